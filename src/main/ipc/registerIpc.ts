import { BrowserWindow, dialog, ipcMain, shell, type IpcMainEvent, type IpcMainInvokeEvent, type OpenDialogOptions, type WebContents } from 'electron';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { IPC } from '../../preload/channels';
import type { GantryConfig } from '../../preload/api';
import type { DesktopNotification } from '../notifications/notificationRules';
import type { PtySessions } from '../terminal/ptySessions';
import { isTrustedSender } from '../window/security';

export interface IpcDeps {
  config: GantryConfig;
  appOrigins: readonly string[];
  notify: (notification: DesktopNotification) => void;
  /** null when node-pty failed to load: the terminal page then shows `terminalError`. */
  terminals: PtySessions | null;
  terminalError: string | null;
}

const FileDialogOptions = z.strictObject({
  title: z.string().max(200).optional(),
  defaultPath: z.string().max(4096).optional(),
  filters: z.array(z.strictObject({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(50) })).max(20).optional(),
  directory: z.boolean().optional(),
  multiple: z.boolean().optional(),
  showHidden: z.boolean().optional(),
});
const Notify = z.strictObject({ title: z.string().min(1).max(200), body: z.string().max(2000), jobId: z.number().int().positive().nullable() });
const TerminalOpen = z.strictObject({ cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000), cwd: z.string().max(4096).optional() });
const Dimension = z.number().int().min(1).max(1000);

class UntrustedSenderError extends Error {
  constructor(url: string | undefined) {
    super(`IPC refused from ${url ?? 'an unknown frame'}`);
  }
}

/** Main's half of window.gantry. Every message is checked for its sender and its shape. */
export function registerIpc(deps: IpcDeps): () => void {
  const { config, appOrigins, terminals } = deps;
  const owners = new Map<string, WebContents>();
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) => {
    const url = event.senderFrame?.url;
    if (!isTrustedSender(url, appOrigins)) throw new UntrustedSenderError(url);
  };
  const ownedBy = (id: unknown, sender: WebContents): string => {
    const key = z.string().max(50).parse(id);
    if (owners.get(key) !== sender) throw new Error(`terminal ${key} belongs to another window`);
    return key;
  };

  ipcMain.on(IPC.config, (event) => {
    // sendSync from a foreign page gets nothing rather than the admin token.
    event.returnValue = isTrustedSender(event.senderFrame?.url, appOrigins) ? config : { serverUrl: '', token: '' };
  });
  ipcMain.handle(IPC.openFileDialog, async (event, raw: unknown) => {
    trusted(event);
    const options = FileDialogOptions.parse(raw);
    const properties: OpenDialogOptions['properties'] = [options.directory ? 'openDirectory' : 'openFile'];
    if (options.multiple) properties.push('multiSelections');
    if (options.showHidden) properties.push('showHiddenFiles');
    const dialogOptions: OpenDialogOptions = { title: options.title, defaultPath: options.defaultPath, filters: options.filters, properties };
    const window = BrowserWindow.fromWebContents(event.sender);
    const result = window ? await dialog.showOpenDialog(window, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
    return result.canceled ? [] : result.filePaths;
  });
  ipcMain.handle(IPC.revealInFolder, (event, raw: unknown) => {
    trusted(event);
    const path = z.string().min(1).max(4096).refine(isAbsolute, 'path must be absolute').parse(raw);
    shell.showItemInFolder(path);
  });
  ipcMain.on(IPC.notify, (event, raw: unknown) => {
    trusted(event);
    const { title, body, jobId } = Notify.parse(raw);
    deps.notify({ key: `renderer:${title}`, title, body, jobId });
  });

  ipcMain.handle(IPC.terminalOpen, (event, raw: unknown) => {
    trusted(event);
    if (!terminals) throw new Error(`the local terminal is unavailable: ${deps.terminalError ?? 'node-pty did not load'}`);
    const session = terminals.open(TerminalOpen.parse(raw));
    const sender = event.sender;
    owners.set(session.id, sender);
    sender.once('destroyed', () => {
      if (owners.get(session.id) === sender) terminals.close(session.id);
    });
    return { id: session.id };
  });
  ipcMain.on(IPC.terminalWrite, (event, id: unknown, data: unknown) => {
    trusted(event);
    terminals?.write(ownedBy(id, event.sender), z.string().max(1 << 20).parse(data));
  });
  ipcMain.on(IPC.terminalResize, (event, id: unknown, cols: unknown, rows: unknown) => {
    trusted(event);
    terminals?.resize(ownedBy(id, event.sender), Dimension.parse(cols), Dimension.parse(rows));
  });
  ipcMain.on(IPC.terminalClose, (event, id: unknown) => {
    trusted(event);
    terminals?.close(ownedBy(id, event.sender));
  });

  const offData = terminals?.onData((id, data) => {
    const owner = owners.get(id);
    if (owner && !owner.isDestroyed()) owner.send(IPC.terminalData, id, data);
  });
  const offExit = terminals?.onExit((id, exitCode) => {
    const owner = owners.get(id);
    owners.delete(id);
    if (owner && !owner.isDestroyed()) owner.send(IPC.terminalExit, id, exitCode);
  });

  return () => {
    offData?.();
    offExit?.();
    for (const channel of [IPC.config, IPC.notify, IPC.terminalWrite, IPC.terminalResize, IPC.terminalClose]) ipcMain.removeAllListeners(channel);
    for (const channel of [IPC.openFileDialog, IPC.revealInFolder, IPC.terminalOpen]) ipcMain.removeHandler(channel);
  };
}
