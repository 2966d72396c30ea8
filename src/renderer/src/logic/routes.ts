/** The console's pages and the paths that lead to them (history API, so links can be shared). */
export type Route =
  | { page: 'overview' }
  | { page: 'jobs' }
  | { page: 'job'; id: number }
  | { page: 'submit' }
  | { page: 'workers' }
  | { page: 'hosts' }
  | { page: 'suites' }
  | { page: 'models' }
  | { page: 'datasets' }
  | { page: 'settings' }
  | { page: 'statistics' }
  | { page: 'terminal' }
  | { page: 'compare'; id: number | null }
  | { page: 'not_found'; path: string };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'overview' };
  if (path === '/jobs') return { page: 'jobs' };
  const job = /^\/jobs\/(\d+)$/.exec(path);
  if (job) return { page: 'job', id: Number(job[1]) };
  if (path === '/submit') return { page: 'submit' };
  if (path === '/workers') return { page: 'workers' };
  if (path === '/hosts') return { page: 'hosts' };
  if (path === '/suites') return { page: 'suites' };
  if (path === '/models') return { page: 'models' };
  if (path === '/datasets') return { page: 'datasets' };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/statistics') return { page: 'statistics' };
  if (path === '/terminal') return { page: 'terminal' };
  if (path === '/compare') return { page: 'compare', id: null };
  const sweep = /^\/compare\/(\d+)$/.exec(path);
  if (sweep) return { page: 'compare', id: Number(sweep[1]) };
  return { page: 'not_found', path };
}

/**
 * Two-key shortcuts (`g j`): returns the path for a completed sequence, `pending` after a lone
 * `g`, or null when the keys mean nothing.
 */
export const GO_KEYS: Record<string, string> = { o: '/', j: '/jobs', s: '/submit', w: '/workers', t: '/terminal', ',': '/settings' };

export function goSequence(previous: string | null, key: string): string | 'pending' | null {
  if (previous === 'g' && key in GO_KEYS) return GO_KEYS[key];
  if (key === 'g') return 'pending';
  return null;
}
