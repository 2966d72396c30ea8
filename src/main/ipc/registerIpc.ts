import { ipcMain } from 'electron';
import { IPC, NotifyRequestSchema, type GantryConfig } from '../../shared';
import type { DesktopNotification } from '../notifications/notificationRules';
import type { PtySessions } from '../terminal/ptySessions';
import { registerDialogChannels } from './dialogChannels';
import { registerTerminalChannels } from './terminalChannels';
import { senderGuard, type SenderGuard } from './trustedSender';
import { isTrustedSender } from '../window/security';

export interface IpcDeps {
  config: GantryConfig;
  appOrigins: readonly string[];
  notify: (notification: DesktopNotification) => void;
  /** null when node-pty failed to load: the terminal page then shows `terminalError`. */
  terminals: PtySessions | null;
  terminalError: string | null;
}

const NO_CONFIG: GantryConfig = { serverUrl: '', token: '' };

function registerConfigChannel(config: GantryConfig, appOrigins: readonly string[]): () => void {
  ipcMain.on(IPC.config, (event) => {
    // sendSync cannot throw back to the caller: a foreign page gets an empty config, not the admin token.
    event.returnValue = isTrustedSender(event.senderFrame?.url, appOrigins) ? config : NO_CONFIG;
  });
  return () => ipcMain.removeAllListeners(IPC.config);
}

function registerNotifyChannel(guard: SenderGuard, notify: IpcDeps['notify']): () => void {
  ipcMain.on(IPC.notify, (event, raw: unknown) => {
    guard(event);
    const { title, body, jobId } = NotifyRequestSchema.parse(raw);
    notify({ key: `renderer:${title}`, title, body, jobId });
  });
  return () => ipcMain.removeAllListeners(IPC.notify);
}

/** Main's half of window.gantry. Every message is checked for its sender and its shape. */
export function registerIpc(deps: IpcDeps): () => void {
  const guard = senderGuard(deps.appOrigins);
  const disposers = [
    registerConfigChannel(deps.config, deps.appOrigins),
    registerNotifyChannel(guard, deps.notify),
    registerDialogChannels(guard),
    registerTerminalChannels(guard, deps.terminals, deps.terminalError),
  ];
  return () => disposers.forEach((dispose) => dispose());
}
