import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { followLog } from '../api/live';
import { tintStderr } from '../api/logBytes';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';
import { isDark } from '../logic/theme';

interface Props {
  jobId: number;
  attempt: number;
  /** Called as bytes arrive, so the page can refresh metrics the job prints as `::metric` lines. */
  onOutput?(): void;
}

const DARK = { background: '#0b0e12', foreground: '#d8dee9', cursor: '#0b0e12', selectionBackground: '#3b4b66' };
const LIGHT = { background: '#fbfbfc', foreground: '#1b1f24', cursor: '#fbfbfc', selectionBackground: '#c7d7f5' };

/** One attempt's log in a real terminal emulator, so colours and `\r` progress bars render as they did on the host. */
export function LogTerminal({ jobId, attempt, onOutput }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const search = useRef<SearchAddon | null>(null);
  const follow = useRef(true);
  const outputRef = useRef(onOutput);
  const [following, setFollowing] = useState(true);
  const [bytes, setBytes] = useState(0);
  const [ended, setEnded] = useState(false);
  const [query, setQuery] = useState('');

  useEffect(() => {
    outputRef.current = onOutput;
  }, [onOutput]);

  useEffect(() => {
    if (!host.current) return;
    const terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      cursorBlink: false,
      scrollback: 100_000,
      fontSize: 12.5,
      fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, monospace",
      theme: isDark() ? DARK : LIGHT,
    });
    const fit = new FitAddon();
    const searchAddon = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(searchAddon);
    terminal.open(host.current);
    fit.fit();
    term.current = terminal;
    search.current = searchAddon;
    const resize = new ResizeObserver(() => fit.fit());
    resize.observe(host.current);

    const unfollow = followLog(jobId, attempt, 0, {
      onData(data, at, stderr) {
        terminal.write(tintStderr(data, at, stderr), () => {
          if (follow.current) terminal.scrollToBottom();
        });
        setBytes((n) => n + data.length);
        outputRef.current?.();
      },
      onEnd() {
        setEnded(true);
      },
    });
    return () => {
      unfollow();
      resize.disconnect();
      terminal.dispose();
      term.current = null;
    };
  }, [jobId, attempt]);

  const toggleFollow = () => {
    follow.current = !follow.current;
    setFollowing(follow.current);
    if (follow.current) term.current?.scrollToBottom();
  };

  const find = (backwards: boolean) => {
    if (!query) return;
    const options = { caseSensitive: false, decorations: { matchOverviewRuler: '#f59e0b', activeMatchColorOverviewRuler: '#ef4444', matchBackground: '#f59e0b66', activeMatchBackground: '#ef4444aa' } };
    if (backwards) search.current?.findPrevious(query, options);
    else search.current?.findNext(query, options);
  };

  const download = async () => {
    try {
      const response = await api().request('downloadLog', { params: { id: jobId, attempt } });
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `job-${jobId}-attempt-${attempt}.log`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      toastError(error, 'Download failed');
    }
  };

  return (
    <div className="terminal-wrap">
      <div className="terminal-bar">
        <strong className="small">Attempt {attempt}</strong>
        <span className="subtle small" data-testid="log-status">
          {ended ? `complete · ${bytes.toLocaleString()} bytes` : `streaming · ${bytes.toLocaleString()} bytes`}
        </span>
        <span style={{ flex: 1 }} />
        <input
          type="search"
          placeholder="Search log"
          aria-label="Search log"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && find(e.shiftKey)}
          style={{ width: 180 }}
        />
        <button className="small" onClick={() => find(true)} aria-label="Previous match">
          ↑
        </button>
        <button className="small" onClick={() => find(false)} aria-label="Next match">
          ↓
        </button>
        <label className="check small">
          <input type="checkbox" checked={following} onChange={toggleFollow} /> Follow
        </label>
        <button className="small" onClick={download}>
          Download
        </button>
      </div>
      <div className="terminal" ref={host} data-testid="log-terminal" />
    </div>
  );
}
