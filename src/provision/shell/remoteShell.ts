import type { ClientChannel } from 'ssh2';
import { RemoteCommandError } from '../errors';
import type { SshLink } from '../ssh/openSsh';

export interface ShellSize {
  cols: number;
  rows: number;
}

/** An interactive login shell on a host, with a pseudo-terminal: bytes in, bytes out, resizable. */
export interface RemoteShell {
  write(data: Buffer): void;
  resize(size: ShellSize): void;
  /** Ends the shell and its SSH connection. */
  close(): void;
  onData(listener: (data: Buffer) => void): void;
  /** Once, when the shell ends: its exit status (null when the connection went first). */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** The terminal type the console (xterm.js) and most local terminals emulate. */
const TERM = 'xterm-256color';

function openChannel(link: SshLink, size: ShellSize): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    link.client.shell({ term: TERM, cols: size.cols, rows: size.rows }, (error, channel) => {
      if (error) reject(new RemoteCommandError(`the host refused a shell: ${error.message}`));
      else resolve(channel);
    });
  });
}

/** Opens a shell on an open link; the shell owns the link from then on and ends it when it closes. */
export async function openRemoteShell(link: SshLink, size: ShellSize): Promise<RemoteShell> {
  let channel: ClientChannel;
  try {
    channel = await openChannel(link, size);
  } catch (error) {
    link.client.end();
    throw error;
  }
  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  channel.on('exit', (code: number | null, signal?: string) => {
    exitCode = code ?? null;
    exitSignal = signal ?? null;
  });
  const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    link.client.end();
    for (const listener of exitListeners) listener(exitCode, exitSignal);
  };
  channel.on('close', end);
  link.client.on('close', end);
  return {
    write: (data) => void (!ended && channel.write(data)),
    resize: ({ cols, rows }) => void (!ended && channel.setWindow(rows, cols, 0, 0)),
    close: () => {
      channel.close();
      end();
    },
    onData: (listener) => {
      channel.on('data', listener);
      // With a pty the shell's stderr arrives on stdout; a few servers still use the extended stream.
      channel.stderr.on('data', listener);
    },
    onExit: (listener) => void exitListeners.push(listener),
  };
}
