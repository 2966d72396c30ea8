import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type GantryApi, type GantryConfig } from '../shared';

// The preload runs in the page, but tsconfig.node.json typechecks it without the DOM library.
declare const window: { history: { pushState(data: unknown, unused: string, url: string): void }; dispatchEvent(event: Event): boolean };

// Synchronous so `window.gantry.serverUrl` is there before the renderer's first line runs.
const config = ipcRenderer.sendSync(IPC.config) as GantryConfig;

function subscribe<A extends unknown[]>(channel: string, listener: (...args: A) => void): () => void {
  const handler = (_event: IpcRendererEvent, ...args: unknown[]) => listener(...(args as A));
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.removeListener(channel, handler);
}

const api: GantryApi = {
  serverUrl: config.serverUrl,
  token: config.token,
  openFileDialog: (options = {}) => ipcRenderer.invoke(IPC.openFileDialog, options),
  revealInFolder: (path) => ipcRenderer.invoke(IPC.revealInFolder, path),
  notify: (title, body, jobId) => ipcRenderer.send(IPC.notify, { title, body, jobId: jobId ?? null }),
  terminal: {
    open: (options) => ipcRenderer.invoke(IPC.terminalOpen, options),
    write: (id, data) => ipcRenderer.send(IPC.terminalWrite, id, data),
    resize: (id, cols, rows) => ipcRenderer.send(IPC.terminalResize, id, cols, rows),
    close: (id) => ipcRenderer.send(IPC.terminalClose, id),
    onData: (listener) => subscribe<[string, string]>(IPC.terminalData, listener),
    onExit: (listener) => subscribe<[string, number]>(IPC.terminalExit, listener),
  },
};

// A notification click or a second launch asks for a route. The renderer's router follows
// history.pushState plus its 'gantry:navigate' window event, so no renderer code is needed here.
ipcRenderer.on(IPC.navigate, (_event, path: unknown) => {
  if (typeof path !== 'string' || !path.startsWith('/')) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event('gantry:navigate'));
});

contextBridge.exposeInMainWorld('gantry', api);
