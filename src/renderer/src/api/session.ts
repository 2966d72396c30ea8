/** Where the coordinator is and which token to use: from Electron's preload, or from the page address. */
export interface Session {
  serverUrl: string;
  token: string | null;
  /** True inside Electron, where the token comes from the preload and cannot be changed here. */
  embedded: boolean;
}

export const TOKEN_KEY = 'gantry.token';

interface PreloadApi {
  serverUrl?: string;
  token?: string;
}

interface SessionSources {
  preload: PreloadApi | undefined;
  href: string;
  stored: string | null;
}

/**
 * Pure resolution so it can be tested: Electron's preload wins; otherwise a `?token=` in the
 * address (what `gantry serve` prints, like Jupyter) wins over one kept in sessionStorage.
 * `cleanHref` is the address without the token, so it can be replaced in the history.
 */
export function resolveSession(sources: SessionSources): { session: Session; cleanHref: string | null; store: string | null } {
  if (sources.preload?.serverUrl) {
    return {
      session: { serverUrl: sources.preload.serverUrl, token: sources.preload.token ?? null, embedded: true },
      cleanHref: null,
      store: null,
    };
  }
  const url = new URL(sources.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) url.searchParams.delete('token');
  return {
    session: { serverUrl: url.origin, token: fromUrl || sources.stored, embedded: false },
    cleanHref: fromUrl ? url.pathname + url.search + url.hash : null,
    store: fromUrl || null,
  };
}

/** Reads the session once at start-up, storing a URL token and removing it from the address bar. */
export function loadSession(): Session {
  const preload = window.gantry;
  const { session, cleanHref, store } = resolveSession({
    preload,
    href: window.location.href,
    stored: sessionStorage.getItem(TOKEN_KEY),
  });
  if (store) sessionStorage.setItem(TOKEN_KEY, store);
  if (cleanHref) window.history.replaceState(window.history.state, '', cleanHref);
  return session;
}

export function rememberToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}
