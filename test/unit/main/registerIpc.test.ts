import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { IPC, type GantryConfig } from '../../../src/shared';
import type { DesktopNotification } from '../../../src/main/notifications/notificationRules';
import type { PtySessions } from '../../../src/main/terminal/ptySessions';

// Electron cannot load under Vitest; the IPC code meets a stand-in ipcMain that records what it
// registers, and the tests call those handlers as Electron would, with real zod validation.
const electron = vi.hoisted(() => {
  type Handler = (event: unknown, ...args: unknown[]) => unknown;
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Handler>();
  return {
    handlers,
    listeners,
    ipcMain: {
      handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
      removeHandler: (channel: string) => handlers.delete(channel),
      on: (channel: string, listener: Handler) => listeners.set(channel, listener),
      removeAllListeners: (channel: string) => listeners.delete(channel),
    },
    dialog: { showOpenDialog: vi.fn() },
    shell: { showItemInFolder: vi.fn() },
  };
});
vi.mock('electron', () => ({ ipcMain: electron.ipcMain, dialog: electron.dialog, shell: electron.shell, BrowserWindow: { fromWebContents: () => null } }));

const { registerIpc } = await import('../../../src/main/ipc/registerIpc');
const { UntrustedSenderError } = await import('../../../src/main/ipc/trustedSender');
const { ForeignTerminalError } = await import('../../../src/main/ipc/terminalChannels');

const APP = 'http://127.0.0.1:4123';
const CONFIG: GantryConfig = { serverUrl: APP, token: 'gantry_admin' };

/** A window's webContents: records what main sends it and can be destroyed. */
class FakeWindow extends EventEmitter {
  sent: unknown[][] = [];
  destroyed = false;
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

function eventFrom(window: FakeWindow, url: string | null = `${APP}/terminal`) {
  return { sender: window, senderFrame: url === null ? null : { url }, returnValue: undefined as unknown };
}

function fakeTerminals() {
  const data = new EventEmitter();
  let next = 0;
  const calls: unknown[][] = [];
  const sessions = {
    open: vi.fn(() => ({ id: `t${++next}`, pid: 100 + next })),
    write: (id: string, input: string) => calls.push(['write', id, input]),
    resize: (id: string, cols: number, rows: number) => calls.push(['resize', id, cols, rows]),
    close: (id: string) => calls.push(['close', id]),
    onData: (listener: (id: string, chunk: string) => void) => {
      data.on('data', listener);
      return () => void data.off('data', listener);
    },
    onExit: (listener: (id: string, code: number, signal: number | undefined) => void) => {
      data.on('exit', listener);
      return () => void data.off('exit', listener);
    },
    list: () => [],
    closeAll: () => {},
  } satisfies PtySessions;
  return { sessions, calls, output: (id: string, chunk: string) => data.emit('data', id, chunk), exit: (id: string, code: number) => data.emit('exit', id, code) };
}

function invoke(channel: string, event: unknown, ...args: unknown[]) {
  const handler = electron.handlers.get(channel) ?? electron.listeners.get(channel);
  if (!handler) throw new Error(`nothing registered on ${channel}`);
  return handler(event, ...args);
}

describe('registerIpc', () => {
  let notified: DesktopNotification[];
  let terminals: ReturnType<typeof fakeTerminals>;
  let dispose: () => void;

  beforeEach(() => {
    notified = [];
    terminals = fakeTerminals();
    electron.dialog.showOpenDialog.mockReset();
    electron.shell.showItemInFolder.mockReset();
    dispose = registerIpc({ config: CONFIG, appOrigins: [APP], notify: (n) => notified.push(n), terminals: terminals.sessions, terminalError: null });
  });
  afterEach(() => dispose());

  it('hands the server URL and admin token only to a frame showing the app', () => {
    const window = new FakeWindow();
    const trusted = eventFrom(window);
    invoke(IPC.config, trusted);
    expect(trusted.returnValue).toEqual(CONFIG);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', null]) {
      const foreign = eventFrom(window, url);
      invoke(IPC.config, foreign);
      expect(foreign.returnValue).toEqual({ serverUrl: '', token: '' });
    }
  });

  const validCalls: Array<[string, unknown[]]> = [
    [IPC.openFileDialog, [{ title: 'Pick a key' }]],
    [IPC.revealInFolder, ['/tmp']],
    [IPC.notify, [{ title: 'hi', body: 'there', jobId: null }]],
    [IPC.terminalOpen, [{ cols: 80, rows: 24 }]],
    [IPC.terminalWrite, ['t1', 'ls\r']],
    [IPC.terminalResize, ['t1', 100, 30]],
    [IPC.terminalClose, ['t1']],
  ];
  it.each(validCalls)('refuses %s from a foreign frame before doing anything', async (channel, args) => {
    const foreign = eventFrom(new FakeWindow(), 'https://evil.example/page');
    await expect(async () => invoke(channel, foreign, ...args)).rejects.toThrow(UntrustedSenderError);
    expect(notified).toEqual([]);
    expect(electron.dialog.showOpenDialog).not.toHaveBeenCalled();
    expect(electron.shell.showItemInFolder).not.toHaveBeenCalled();
    expect(terminals.sessions.open).not.toHaveBeenCalled();
    expect(terminals.calls).toEqual([]);
  });

  const badPayloads: Array<[string, string, unknown[], string]> = [
    ['a notification without a title', IPC.notify, [{ title: '', body: 'x', jobId: null }], 'title'],
    ['a notification with a field the schema lacks', IPC.notify, [{ title: 't', body: 'x', jobId: null, icon: 'file:///x' }], ''],
    ['a notification naming a job id that is not a positive integer', IPC.notify, [{ title: 't', body: 'x', jobId: -1 }], 'jobId'],
    ['a relative path to reveal', IPC.revealInFolder, ['../etc'], ''],
    ['dialog filters that are not a list', IPC.openFileDialog, [{ filters: 'all' }], 'filters'],
    ['a terminal of zero columns', IPC.terminalOpen, [{ cols: 0, rows: 24 }], 'cols'],
    ['a terminal with an unknown option', IPC.terminalOpen, [{ cols: 80, rows: 24, shell: '/bin/evil' }], ''],
  ];
  it.each(badPayloads)('refuses %s with a zod error naming the field', async (_name, channel, args, field) => {
    const trusted = eventFrom(new FakeWindow());
    const error = await Promise.resolve()
      .then(() => invoke(channel, trusted, ...args))
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues[0].path.join('.')).toBe(field);
    expect(notified).toEqual([]);
    expect(electron.shell.showItemInFolder).not.toHaveBeenCalled();
    expect(terminals.sessions.open).not.toHaveBeenCalled();
  });

  it('shows a notification the app asked for', () => {
    invoke(IPC.notify, eventFrom(new FakeWindow()), { title: 'Done', body: 'all good', jobId: 7 });
    expect(notified).toEqual([{ key: 'renderer:Done', title: 'Done', body: 'all good', jobId: 7 }]);
  });

  it('reveals an absolute path and maps dialog options to Electron properties', async () => {
    const trusted = eventFrom(new FakeWindow());
    invoke(IPC.revealInFolder, trusted, '/home/me/out.txt');
    expect(electron.shell.showItemInFolder).toHaveBeenCalledWith('/home/me/out.txt');

    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/a', '/b'] });
    await expect(invoke(IPC.openFileDialog, trusted, { directory: true, multiple: true, showHidden: true })).resolves.toEqual(['/a', '/b']);
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ properties: ['openDirectory', 'multiSelections', 'showHiddenFiles'] }));
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: ['/ignored'] });
    await expect(invoke(IPC.openFileDialog, trusted, {})).resolves.toEqual([]);
  });

  it('lets only the window that opened a terminal type into it and hear it', () => {
    const owner = new FakeWindow();
    const other = new FakeWindow();
    expect(invoke(IPC.terminalOpen, eventFrom(owner), { cols: 80, rows: 24 })).toEqual({ id: 't1' });

    expect(() => invoke(IPC.terminalWrite, eventFrom(other), 't1', 'rm -rf ~\r')).toThrow(ForeignTerminalError);
    expect(() => invoke(IPC.terminalClose, eventFrom(other), 't1')).toThrow(ForeignTerminalError);
    invoke(IPC.terminalWrite, eventFrom(owner), 't1', 'ls\r');
    invoke(IPC.terminalResize, eventFrom(owner), 't1', 120, 40);
    expect(terminals.calls).toEqual([['write', 't1', 'ls\r'], ['resize', 't1', 120, 40]]);

    terminals.output('t1', 'file.txt\r\n');
    expect(owner.sent).toEqual([[IPC.terminalData, 't1', 'file.txt\r\n']]);
    expect(other.sent).toEqual([]);

    terminals.exit('t1', 0);
    expect(owner.sent.at(-1)).toEqual([IPC.terminalExit, 't1', 0]);
    // An exited terminal has no owner any more: its id is refused, even to the window that opened it.
    expect(() => invoke(IPC.terminalWrite, eventFrom(owner), 't1', 'ls\r')).toThrow(ForeignTerminalError);
  });

  it('closes the shells of a window that is destroyed', () => {
    const owner = new FakeWindow();
    invoke(IPC.terminalOpen, eventFrom(owner), { cols: 80, rows: 24 });
    owner.destroy();
    expect(terminals.calls).toEqual([['close', 't1']]);
    terminals.output('t1', 'late output');
    expect(owner.sent).toEqual([]);
  });

  it('says why the terminal is unavailable when node-pty did not load', async () => {
    dispose();
    dispose = registerIpc({ config: CONFIG, appOrigins: [APP], notify: () => {}, terminals: null, terminalError: 'no prebuilt binary' });
    await expect(async () => invoke(IPC.terminalOpen, eventFrom(new FakeWindow()), { cols: 80, rows: 24 })).rejects.toThrow(/unavailable: no prebuilt binary/);
  });

  it('unregisters every channel when disposed', () => {
    dispose();
    expect([...electron.handlers.keys(), ...electron.listeners.keys()]).toEqual([]);
    dispose = () => {};
  });
});
