import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { LocalTerminalApi } from '../../../shared';
import { EmptyState } from '../components/EmptyState';
import { isDark } from '../logic/theme';

const DARK = { background: '#0b0e12', foreground: '#d8dee9' };
const LIGHT = { background: '#fbfbfc', foreground: '#1b1f24', cursor: '#1b1f24' };

/** A shell on this computer, beside the job terminals; only the desktop app can open one (node-pty). */
export function TerminalPage() {
  const local = window.gantry?.terminal;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Terminal</h1>
      </div>
      {local ? (
        <LocalShell api={local} />
      ) : (
        <EmptyState title="The local terminal lives in the desktop app" command="gantry ls">
          <p>A web page cannot open a shell on this computer. Open Gantry&apos;s desktop app, or use your own terminal with the CLI.</p>
        </EmptyState>
      )}
    </div>
  );
}

function LocalShell({ api }: { api: LocalTerminalApi }) {
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('starting…');

  useEffect(() => {
    if (!host.current) return;
    const terminal = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, monospace", theme: isDark() ? DARK : LIGHT });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host.current);
    fit.fit();
    let id: string | null = null;
    let disposed = false;
    const offData = api.onData((from, data) => from === id && terminal.write(data));
    const offExit = api.onExit((from, code) => {
      if (from !== id) return;
      terminal.write(`\r\n[shell exited with code ${code}]\r\n`);
      setStatus(`exited (${code})`);
    });
    const input = terminal.onData((data) => id && api.write(id, data));
    const resize = new ResizeObserver(() => {
      fit.fit();
      if (id) api.resize(id, terminal.cols, terminal.rows);
    });
    resize.observe(host.current);
    api.open({ cols: terminal.cols, rows: terminal.rows }).then(
      (opened) => {
        if (disposed) return api.close(opened.id);
        id = opened.id;
        setStatus('running');
        terminal.focus();
      },
      (error: unknown) => setStatus(`could not start a shell: ${error instanceof Error ? error.message : String(error)}`),
    );
    return () => {
      disposed = true;
      resize.disconnect();
      input.dispose();
      offData();
      offExit();
      if (id) api.close(id);
      terminal.dispose();
    };
  }, [api]);

  return (
    <div className="terminal-wrap">
      <div className="terminal-bar">
        <strong>This computer</strong> <span className="terminal-status">{status}</span>
      </div>
      <div className="terminal local-shell" ref={host} data-testid="local-terminal" />
    </div>
  );
}
