import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { hostShellPath, HostShellServerMessage } from '../../../../shared';
import { liveConnection } from '../../api/live';
import { isDark } from '../../logic/theme';

interface Props {
  host: string;
  onClose(): void;
}

const DARK = { background: '#0b0e12', foreground: '#d8dee9', cursor: '#d8dee9', selectionBackground: '#3b4b66' };
const LIGHT = { background: '#fbfbfc', foreground: '#1b1f24', cursor: '#1b1f24', selectionBackground: '#c7d7f5' };

function shellUrl(host: string, cols: number, rows: number): string {
  const { serverUrl, token } = liveConnection();
  const url = new URL(hostShellPath(host), serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('cols', String(cols));
  url.searchParams.set('rows', String(rows));
  // Browsers cannot set headers on a WebSocket: the token goes in the query, as for the live socket.
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

/** The text a server message adds to the terminal when the shell ends or cannot open. */
function describeEnd(data: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  const message = HostShellServerMessage.safeParse(parsed);
  if (!message.success) return null;
  if (message.data.type === 'error') return `\r\n\x1b[31m${message.data.message}\x1b[0m\r\n`;
  return `\r\n[shell exited${message.data.code === null ? '' : ` with ${message.data.code}`}]\r\n`;
}

/** An interactive shell on the host in xterm.js, over the coordinator's WebSocket (admin tokens only). */
export function HostShellPanel({ host, onClose }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'connecting' | 'open' | 'closed'>('connecting');

  useEffect(() => {
    if (!box.current) return;
    const terminal = new Terminal({ cursorBlink: true, scrollback: 10_000, fontSize: 12.5, fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, monospace", theme: isDark() ? DARK : LIGHT });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(box.current);
    fit.fit();
    const socket = new WebSocket(shellUrl(host, terminal.cols, terminal.rows));
    socket.binaryType = 'arraybuffer';
    const encoder = new TextEncoder();
    socket.onopen = () => {
      setState('open');
      terminal.focus();
    };
    socket.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
      if (typeof message.data === 'string') {
        const end = describeEnd(message.data);
        if (end) terminal.write(end);
      } else terminal.write(new Uint8Array(message.data));
    };
    socket.onclose = (event) => {
      setState('closed');
      // Refused before the upgrade (not admin, unknown host): the browser only says the socket closed.
      if (event.code === 1006) terminal.write('\r\n\x1b[31mthe shell could not be opened (an admin token is needed)\x1b[0m\r\n');
    };
    const typed = terminal.onData((data) => socket.readyState === WebSocket.OPEN && socket.send(encoder.encode(data)));
    const resized = terminal.onResize(({ cols, rows }) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'resize', cols, rows })));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      socket.close();
      terminal.dispose();
    };
  }, [host]);

  return (
    <div className="card" data-testid="host-shell">
      <div className="toolbar">
        <strong>Shell on {host}</strong>
        <span className="subtle" data-testid="host-shell-state">
          {state}
        </span>
        <button className="ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <div ref={box} style={{ height: 360 }} />
    </div>
  );
}
