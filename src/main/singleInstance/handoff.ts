/**
 * What a second launch asks the running instance to do. Electron hands the first instance the
 * second one's argv (`second-instance`) and, on macOS, deep links through `open-url`; both end here.
 *
 * Accepted forms:
 * - `gantry://jobs/42` (also `gantry://job/42`, `gantry:///jobs/42`): open job 42
 * - `--open-job=42` or `--open-job 42`: open job 42
 * - anything else: just bring the window forward
 */
export type Handoff = { kind: 'focus' } | { kind: 'openJob'; jobId: number };

export const PROTOCOL = 'gantry';
const FOCUS: Handoff = { kind: 'focus' };

function jobId(text: string | undefined): number | null {
  if (!text || !/^[1-9]\d{0,15}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

export function parseDeepLink(link: string): Handoff {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return FOCUS;
  }
  if (url.protocol !== `${PROTOCOL}:`) return FOCUS;
  // `gantry://jobs/42` parses with host "jobs"; `gantry:///jobs/42` with an empty host.
  const parts = [url.host, ...url.pathname.split('/')].filter(Boolean);
  if (parts.length === 2 && (parts[0] === 'jobs' || parts[0] === 'job')) {
    const id = jobId(parts[1]);
    if (id !== null) return { kind: 'openJob', jobId: id };
  }
  return FOCUS;
}

/** Scans a second instance's argv (executable, Chromium switches, then ours) for the last request. */
export function parseHandoff(argv: readonly string[]): Handoff {
  let result: Handoff = FOCUS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith(`${PROTOCOL}:`)) {
      const link = parseDeepLink(arg);
      if (link.kind !== 'focus') result = link;
    } else if (arg === '--open-job' || arg.startsWith('--open-job=')) {
      const value = arg === '--open-job' ? argv[++i] : arg.slice('--open-job='.length);
      const id = jobId(value);
      if (id !== null) result = { kind: 'openJob', jobId: id };
    }
  }
  return result;
}

/** The renderer route a handoff opens, or null to leave the window where it is. */
export function routeFor(handoff: Handoff): string | null {
  return handoff.kind === 'openJob' ? jobRoute(handoff.jobId) : null;
}

/** The renderer's route for one job. */
export function jobRoute(jobId: number): string {
  return `/jobs/${jobId}`;
}
