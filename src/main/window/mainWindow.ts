import { BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy, navigationDecision, windowOpenDecision } from './security';

export interface MainWindowOptions {
  /** Where the renderer is loaded from: the embedded server, or electron-vite's dev server. */
  startUrl: string;
  serverOrigin: string;
  devServerOrigin?: string;
  preloadPath: string;
  icon: string;
}

/** Electron's security checklist: isolated, sandboxed, no Node, strict CSP, no foreign navigation or windows. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { serverOrigin, devServerOrigin } = options;
  const appOrigins = devServerOrigin ? [serverOrigin, devServerOrigin] : [serverOrigin];
  const csp = contentSecurityPolicy({ serverOrigin, devServerOrigin });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const fromApp = appOrigins.some((origin) => details.url.startsWith(`${origin}/`));
    callback({ responseHeaders: fromApp ? { ...details.responseHeaders, 'Content-Security-Policy': [csp] } : details.responseHeaders });
  });
  // xterm's copy needs the sanitized clipboard; nothing else (camera, geolocation, ...) is ever granted.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));

  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Gantry',
    icon: options.icon,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });

  window.webContents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url, appOrigins);
    if (decision === 'open-external') void shell.openExternal(url);
    if (decision === 'load-in-window') void window.loadURL(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url, appOrigins);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') void shell.openExternal(url);
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.startUrl);
  return window;
}
