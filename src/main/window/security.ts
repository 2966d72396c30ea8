/**
 * The window's security rules as pure functions (Electron's security checklist, items 7, 13-15):
 * a strict CSP, navigation only within the app's origin, no new windows.
 */
export interface CspOptions {
  /** Origin of the embedded server that serves the renderer and the API, e.g. http://127.0.0.1:4123. */
  serverOrigin: string;
  /** electron-vite's dev server origin in `npm run dev`; its HMR needs inline scripts and a socket. */
  devServerOrigin?: string;
}

function socketOrigin(origin: string): string {
  return origin.replace(/^http/, 'ws');
}

export function contentSecurityPolicy(options: CspOptions): string {
  const { serverOrigin, devServerOrigin } = options;
  const self = devServerOrigin ? `'self' ${devServerOrigin}` : "'self'";
  const directives: Record<string, string> = {
    'default-src': "'self'",
    // React Refresh's preamble is an inline script; only the dev server needs it.
    'script-src': devServerOrigin ? `${self} 'unsafe-inline'` : "'self'",
    // xterm.js and the chart library write <style> elements at run time.
    'style-src': `${self} 'unsafe-inline'`,
    'img-src': `${self} data: blob:`,
    'font-src': `${self} data:`,
    'connect-src': [self, serverOrigin, socketOrigin(serverOrigin), ...(devServerOrigin ? [socketOrigin(devServerOrigin)] : [])].join(' '),
    'worker-src': `${self} blob:`,
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'self'",
    'frame-ancestors': "'none'",
  };
  return Object.entries(directives).map(([name, value]) => `${name} ${value}`).join('; ');
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

function isWeb(url: string): boolean {
  return /^https?:$/.test(safeProtocol(url));
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

/** will-navigate: stay within the app; web links leave for the user's browser; nothing else. */
export function navigationDecision(target: string, appOrigins: readonly string[]): NavigationDecision {
  const origin = originOf(target);
  if (origin && appOrigins.includes(origin)) return 'allow';
  return isWeb(target) ? 'open-external' : 'deny';
}

export type WindowOpenDecision = 'load-in-window' | 'open-external' | 'deny';

/** window.open / target=_blank: never a second Electron window; an app page replaces the current one. */
export function windowOpenDecision(target: string, appOrigins: readonly string[]): WindowOpenDecision {
  const origin = originOf(target);
  if (origin && appOrigins.includes(origin)) return 'load-in-window';
  return isWeb(target) ? 'open-external' : 'deny';
}

/** IPC from a frame is trusted only when the frame shows the app (not a page it navigated to). */
export function isTrustedSender(frameUrl: string | undefined, appOrigins: readonly string[]): boolean {
  const origin = frameUrl ? originOf(frameUrl) : null;
  return origin !== null && appOrigins.includes(origin);
}
