import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { isTrustedSender } from '../window/security';

export class UntrustedSenderError extends Error {
  constructor(url: string | undefined) {
    super(`IPC refused from ${url ?? 'an unknown frame'}`);
    this.name = 'UntrustedSenderError';
  }
}

export type IpcEvent = IpcMainEvent | IpcMainInvokeEvent;

/** Throws unless the message comes from a frame showing the app (not a page it navigated to). */
export type SenderGuard = (event: IpcEvent) => void;

export function senderGuard(appOrigins: readonly string[]): SenderGuard {
  return (event) => {
    const url = event.senderFrame?.url;
    if (!isTrustedSender(url, appOrigins)) throw new UntrustedSenderError(url);
  };
}
