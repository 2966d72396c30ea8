import { spawn } from 'node-pty';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createPtySessions, defaultShell, TerminalNotFoundError, type PtySessions } from '../../../src/main/terminal/ptySessions';

function outputUntil(sessions: PtySessions, id: string, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const off = sessions.onData((from, data) => {
      if (from !== id) return;
      seen += data;
      if (pattern.test(seen)) {
        off();
        resolve(seen);
      }
    });
  });
}

describe('pty sessions', () => {
  let sessions: PtySessions | undefined;
  afterEach(() => sessions?.closeAll());

  it('runs a shell, echoes what is written to it and reports its output', async () => {
    sessions = createPtySessions({ spawn, homeDir: tmpdir(), env: { ...process.env, PS1: '$ ' } });
    const { id, pid } = sessions.open({ cols: 80, rows: 24, shell: '/bin/sh' });
    expect(pid).toBeGreaterThan(0);
    const output = outputUntil(sessions, id, /hi\r?\n/);
    sessions.write(id, 'echo hi\n');
    expect(await output).toMatch(/hi\r?\n/);
  });

  it('resizes the terminal so programs see the new size', async () => {
    sessions = createPtySessions({ spawn, homeDir: tmpdir() });
    const { id } = sessions.open({ cols: 80, rows: 24, shell: '/bin/sh' });
    sessions.resize(id, 132, 50);
    const output = outputUntil(sessions, id, /50 132/);
    sessions.write(id, 'stty size\n');
    expect(await output).toMatch(/50 132/);
  });

  it('kills the shell on close, reports the exit and forgets the session', async () => {
    sessions = createPtySessions({ spawn, homeDir: tmpdir() });
    const { id } = sessions.open({ cols: 80, rows: 24, shell: '/bin/sh' });
    const exited = new Promise<string>((resolve) => sessions?.onExit((from) => resolve(from)));
    sessions.close(id);
    expect(await exited).toBe(id);
    expect(sessions.list()).toEqual([]);
    expect(() => sessions?.write(id, 'x')).toThrow(TerminalNotFoundError);
  });

  it("uses the user's $SHELL and falls back to /bin/sh", () => {
    expect(defaultShell({ SHELL: '/usr/bin/zsh' }, 'linux')).toBe('/usr/bin/zsh');
    expect(defaultShell({}, 'darwin')).toBe('/bin/sh');
  });
});
