import type { IPty, IPtyForkOptions } from 'node-pty';

/**
 * Local shells on the laptop for the terminal page: one pty per session, keyed by an id the
 * renderer gets back from `open`. Plain Node (node-pty), so tests run it without Electron.
 */
export interface OpenTerminal {
  cols: number;
  rows: number;
  cwd?: string;
  /** Defaults to the user's $SHELL (or %COMSPEC% on Windows). */
  shell?: string;
  args?: string[];
}

export interface TerminalSession {
  id: string;
  pid: number;
}

export interface PtySessions {
  open(options: OpenTerminal): TerminalSession;
  write(id: string, data: string): void;
  resize(id: string, cols: number, rows: number): void;
  /** Kills the shell; its exit is still reported through onExit. */
  close(id: string): void;
  onData(listener: (id: string, data: string) => void): () => void;
  onExit(listener: (id: string, exitCode: number, signal: number | undefined) => void): () => void;
  list(): TerminalSession[];
  closeAll(): void;
}

export type SpawnPty = (file: string, args: string[], options: IPtyForkOptions) => IPty;

export class TerminalNotFoundError extends Error {
  constructor(id: string) {
    super(`terminal ${id} is not open`);
    this.name = 'TerminalNotFoundError';
  }
}

export function defaultShell(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'win32') return env.COMSPEC ?? 'powershell.exe';
  return env.SHELL || '/bin/sh';
}

const MAX_DIMENSION = 1000;
function clampDimension(value: number): number {
  return Math.min(MAX_DIMENSION, Math.max(1, Math.floor(value)));
}

export function createPtySessions(options: { spawn: SpawnPty; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; homeDir: string }): PtySessions {
  const { spawn, env = process.env, platform = process.platform, homeDir } = options;
  const sessions = new Map<string, IPty>();
  const dataListeners = new Set<(id: string, data: string) => void>();
  const exitListeners = new Set<(id: string, exitCode: number, signal: number | undefined) => void>();
  let nextId = 1;

  const get = (id: string): IPty => {
    const pty = sessions.get(id);
    if (!pty) throw new TerminalNotFoundError(id);
    return pty;
  };

  return {
    open(request) {
      const id = `t${nextId++}`;
      const pty = spawn(request.shell ?? defaultShell(env, platform), request.args ?? [], {
        name: 'xterm-256color',
        cols: clampDimension(request.cols),
        rows: clampDimension(request.rows),
        cwd: request.cwd ?? homeDir,
        env: { ...env, TERM: 'xterm-256color', COLORTERM: 'truecolor' } as Record<string, string>,
      });
      sessions.set(id, pty);
      pty.onData((data) => dataListeners.forEach((listener) => listener(id, data)));
      pty.onExit(({ exitCode, signal }) => {
        sessions.delete(id);
        exitListeners.forEach((listener) => listener(id, exitCode, signal));
      });
      return { id, pid: pty.pid };
    },
    write: (id, data) => get(id).write(data),
    resize: (id, cols, rows) => get(id).resize(clampDimension(cols), clampDimension(rows)),
    close: (id) => get(id).kill(),
    onData(listener) {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    list: () => [...sessions.entries()].map(([id, pty]) => ({ id, pid: pty.pid })),
    closeAll() {
      for (const pty of sessions.values()) pty.kill();
    },
  };
}
