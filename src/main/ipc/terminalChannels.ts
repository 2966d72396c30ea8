import { ipcMain, type WebContents } from 'electron';
import { IPC, TerminalDimensionSchema, TerminalIdSchema, TerminalInputSchema, TerminalOpenOptionsSchema } from '../../shared';
import type { PtySessions } from '../terminal/ptySessions';
import type { IpcEvent, SenderGuard } from './trustedSender';

export class ForeignTerminalError extends Error {
  constructor(id: string) {
    super(`terminal ${id} belongs to another window`);
    this.name = 'ForeignTerminalError';
  }
}

/** Which window opened each terminal: only that window may type into it, and only it hears it. */
function terminalOwners() {
  const owners = new Map<string, WebContents>();
  return {
    claim(id: string, sender: WebContents) {
      owners.set(id, sender);
    },
    /** The terminal id, once checked to belong to `sender`. */
    check(rawId: unknown, sender: WebContents): string {
      const id = TerminalIdSchema.parse(rawId);
      if (owners.get(id) !== sender) throw new ForeignTerminalError(id);
      return id;
    },
    ownerOf: (id: string) => owners.get(id),
    release: (id: string) => owners.delete(id),
  };
}
type TerminalOwners = ReturnType<typeof terminalOwners>;

function openTerminal(terminals: PtySessions, owners: TerminalOwners, event: IpcEvent, raw: unknown): { id: string } {
  const session = terminals.open(TerminalOpenOptionsSchema.parse(raw));
  const sender = event.sender;
  owners.claim(session.id, sender);
  // A closed window's shells would otherwise run on with nobody to see them.
  sender.once('destroyed', () => {
    if (owners.ownerOf(session.id) === sender) terminals.close(session.id);
  });
  return { id: session.id };
}

function forwardOutput(terminals: PtySessions, owners: TerminalOwners): () => void {
  const offData = terminals.onData((id, data) => {
    const owner = owners.ownerOf(id);
    if (owner && !owner.isDestroyed()) owner.send(IPC.terminalData, id, data);
  });
  const offExit = terminals.onExit((id, exitCode) => {
    const owner = owners.ownerOf(id);
    owners.release(id);
    if (owner && !owner.isDestroyed()) owner.send(IPC.terminalExit, id, exitCode);
  });
  return () => {
    offData();
    offExit();
  };
}

/** Local shells for the terminal page; `terminals` is null when node-pty failed to load. */
export function registerTerminalChannels(guard: SenderGuard, terminals: PtySessions | null, unavailableReason: string | null): () => void {
  const owners = terminalOwners();
  ipcMain.handle(IPC.terminalOpen, (event, raw: unknown) => {
    guard(event);
    if (!terminals) throw new Error(`the local terminal is unavailable: ${unavailableReason ?? 'node-pty did not load'}`);
    return openTerminal(terminals, owners, event, raw);
  });
  ipcMain.on(IPC.terminalWrite, (event, id: unknown, data: unknown) => {
    guard(event);
    terminals?.write(owners.check(id, event.sender), TerminalInputSchema.parse(data));
  });
  ipcMain.on(IPC.terminalResize, (event, id: unknown, cols: unknown, rows: unknown) => {
    guard(event);
    terminals?.resize(owners.check(id, event.sender), TerminalDimensionSchema.parse(cols), TerminalDimensionSchema.parse(rows));
  });
  ipcMain.on(IPC.terminalClose, (event, id: unknown) => {
    guard(event);
    terminals?.close(owners.check(id, event.sender));
  });
  const stopForwarding = terminals ? forwardOutput(terminals, owners) : () => {};
  return () => {
    stopForwarding();
    ipcMain.removeHandler(IPC.terminalOpen);
    for (const channel of [IPC.terminalWrite, IPC.terminalResize, IPC.terminalClose]) ipcMain.removeAllListeners(channel);
  };
}
