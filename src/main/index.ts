import { app, BrowserWindow, dialog, powerMonitor, safeStorage } from 'electron';
import { homedir, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import appIcon from '../../resources/icon.png?asset';
import trayIcon from '../../resources/trayTemplate.png?asset';
import { IPC } from '../shared';
import { registerIpc } from './ipc/registerIpc';
import { localSpawnJob } from './jobs/ptyJobProcess';
import { createMainLog } from './lifecycle/mainLog';
import { createShutdown } from './lifecycle/shutdown';
import { choosePort } from './network/choosePort';
import { startDesktopNotifier } from './notifications/desktopNotifier';
import { dataDirLayout, ensureDataDirLayout } from './paths/dataDirLayout';
import { agentBundlePath } from './paths/agentBundlePath';
import { readSettings } from './paths/settings';
import { startGantryServices } from './services/gantryServices';
import { parseDeepLink, parseHandoff, PROTOCOL, routeFor } from './singleInstance/handoff';
import { loadNodePty } from './terminal/loadNodePty';
import { chooseSecretStore } from './secrets/chooseSecretStore';
import { createPtySessions } from './terminal/ptySessions';
import { createAppTray } from './tray/tray';
import { createMainWindow } from './window/mainWindow';

// Wiring only: every decision lives in a plain module beside this file, tested without Electron.

// End-to-end tests run the app against a throw-away data dir.
if (process.env.GANTRY_USER_DATA) app.setPath('userData', process.env.GANTRY_USER_DATA);

let window: BrowserWindow | null = null;
let pendingRoute = routeFor(parseHandoff(process.argv));
let quitting = false;

function openRoute(route: string | null): void {
  if (!window) {
    pendingRoute = route ?? pendingRoute;
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  if (route) window.webContents.send(IPC.navigate, route);
}

async function boot(): Promise<void> {
  const layout = dataDirLayout(app.getPath('userData'));
  const loosened = ensureDataDirLayout(layout);
  const log = createMainLog(layout.logs);
  if (loosened.length > 0) log(`${loosened.length} path(s) under ${layout.root} were readable by other users; made owner-only (0700/0600)`, loosened.slice(0, 10));
  const settings = readSettings(layout.settingsFile);
  const port = await choosePort({ host: settings.host, configured: settings.port });
  const nodePty = await loadNodePty();
  if (nodePty.error) log('node-pty did not load; jobs run on pipes and the local terminal is off', nodePty.error);

  const services = await startGantryServices({
    layout,
    host: settings.host,
    port,
    webRoot: fileURLToPath(new URL('../renderer', import.meta.url)),
    spawnJob: localSpawnJob(nodePty.pty),
    workerName: `${hostname()} (this computer)`,
    devServerOrigin: app.isPackaged || !process.env.ELECTRON_RENDERER_URL ? undefined : new URL(process.env.ELECTRON_RENDERER_URL).origin,
    secrets: chooseSecretStore({ dir: layout.secrets, platform: process.platform, encryptor: safeStorage }),
    agentBundle: agentBundlePath({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath(), env: process.env }),
  });
  const { coordinator, localWorker } = services;
  const serverOrigin = new URL(services.serverUrl).origin;
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;
  const terminals = nodePty.pty ? createPtySessions({ spawn: nodePty.pty.spawn, homeDir: homedir() }) : null;

  const notifier = startDesktopNotifier({ coordinator, openRoute });
  const disposeIpc = registerIpc({
    config: { serverUrl: services.serverUrl, token: services.adminToken },
    appOrigins: devServerOrigin ? [serverOrigin, devServerOrigin] : [serverOrigin],
    notify: notifier.show,
    terminals,
    terminalError: nodePty.error?.message ?? null,
  });
  const tray = createAppTray({
    icon: trayIcon,
    state: () => ({ counts: coordinator.countJobs(), workerPaused: localWorker.workerId ? localWorker.paused : null }),
    onAction: (action) => {
      if (action === 'open') openRoute(null);
      else if (action === 'quit') app.quit();
      else localWorker.setPaused(action === 'pauseWorker');
      tray.refresh();
    },
  });
  const unsubscribeTray = coordinator.subscribe(() => tray.refresh());
  // The sweeper also notices the sleep from its own late tick; this checks before any other timer runs.
  const onResume = () => coordinator.resumed();
  powerMonitor.on('resume', onResume);

  const shutdown = createShutdown(
    [
      { name: 'close local terminals', run: () => terminals?.closeAll() },
      { name: 'stop notifications and the tray', run: () => { notifier.stop(); unsubscribeTray(); powerMonitor.off('resume', onResume); tray.destroy(); disposeIpc(); } },
      ...services.shutdownSteps,
    ],
    { stepTimeoutMs: 20_000 },
  );
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void shutdown().then((failures) => {
      for (const failure of failures) log(`shutdown: ${failure.step} failed`, failure.error);
      app.exit(failures.length > 0 ? 1 : 0);
    });
  });

  const startUrl = devServerUrl ?? `${services.serverUrl}${pendingRoute ?? '/'}`;
  window = createMainWindow({ startUrl, serverOrigin, devServerOrigin, preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)), icon: appIcon });
  pendingRoute = null;
  // Closing the window keeps the queue and the local worker running; the tray brings it back or quits.
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    window?.hide();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAsDefaultProtocolClient(PROTOCOL);
  app.on('second-instance', (_event, argv) => openRoute(routeFor(parseHandoff(argv))));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openRoute(routeFor(parseDeepLink(url)));
  });
  app.on('activate', () => openRoute(null));
  app
    .whenReady()
    .then(boot)
    .catch((error: unknown) => {
      dialog.showErrorBox('Gantry could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
