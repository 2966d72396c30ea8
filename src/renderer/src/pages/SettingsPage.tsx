import { useEffect, useState, type FormEvent } from 'react';
import type { TokenRecord, CallOutput } from '../../../shared';
import { TokenScope } from '../../../shared';
import { api } from '../api/client';
import { rememberToken } from '../api/session';
import { useConnection } from '../stores/connection';
import { toastError, toastSuccess } from '../stores/toasts';
import { applyTheme, storedTheme, type Theme } from '../logic/theme';
import { formatAgo, formatTime } from '../logic/format';
import { MaintenancePanel } from '../components/MaintenancePanel';
import { NotificationsPanel } from '../components/NotificationsPanel';

type ServerInfo = CallOutput<'serverInfo'>;

const SCOPE_HELP: Record<TokenScope, string> = {
  admin: 'everything, including tokens',
  read: 'look, never change',
  worker: 'for agents: claim, logs, results',
  job: "one job's metrics and artifacts",
  metrics: 'scrape /metrics (Prometheus), nothing else',
  chat: 'a linked chat (the chat bot): read jobs and workers, why, cancel',
};

function Tokens() {
  const [tokens, setTokens] = useState<TokenRecord[] | null>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [jobId, setJobId] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  const load = () => api().call('listTokens').then(setTokens, (e) => toastError(e, 'Tokens'));
  useEffect(() => {
    load();
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const created = await api().call('createToken', { body: { name: name.trim(), scope, job_id: scope === 'job' ? Number(jobId) : null } });
      setSecret(created.token);
      setName('');
      load();
    } catch (error) {
      toastError(error, 'Create token refused');
    }
  };

  const revoke = async (token: TokenRecord) => {
    if (!window.confirm(`Revoke token "${token.name}"? Anything using it stops working at once.`)) return;
    try {
      await api().call('revokeToken', { params: { id: token.id } });
      toastSuccess(`Revoked ${token.name}`);
      load();
    } catch (error) {
      toastError(error, 'Revoke refused');
    }
  };

  const shown = (tokens ?? []).filter((t) => showRevoked || t.revoked_at === null);
  return (
    <div className="card">
      <div className="page-head" style={{ marginBottom: 10 }}>
        <h2 style={{ margin: 0 }}>API tokens</h2>
        <span className="spacer" />
        <label className="check small">
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show revoked
        </label>
      </div>
      <form className="toolbar" onSubmit={create} style={{ marginBottom: 12 }}>
        <input aria-label="Token name" placeholder="name, e.g. laptop-scripts" value={name} onChange={(e) => setName(e.target.value)} required />
        <select aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
          {TokenScope.options.map((s) => (
            <option key={s} value={s}>
              {s} — {SCOPE_HELP[s]}
            </option>
          ))}
        </select>
        {scope === 'job' && <input aria-label="Job id" placeholder="job id" value={jobId} onChange={(e) => setJobId(e.target.value)} style={{ width: 90 }} />}
        <button className="primary" disabled={!name.trim()}>
          Create token
        </button>
      </form>
      {secret && (
        <div className="secret" data-testid="new-secret">
          <div className="small subtle">Copy this token now; it is not shown again.</div>
          <code className="mono">{secret}</code>{' '}
          <button className="small" onClick={() => void navigator.clipboard.writeText(secret).then(() => toastSuccess('Copied'), (e) => toastError(e, 'Copy'))}>
            Copy
          </button>
          <button className="small ghost" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            <th>Scope</th>
            <th>Prefix</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={t.id} style={{ opacity: t.revoked_at ? 0.5 : 1 }}>
              <td>{t.name}</td>
              <td>
                {t.scope}
                {t.job_id !== null && ` (job #${t.job_id})`}
              </td>
              <td className="mono">{t.prefix}…</td>
              <td>{formatTime(t.created_at)}</td>
              <td>{formatAgo(t.last_used_at)}</td>
              <td style={{ textAlign: 'right' }}>
                {t.revoked_at ? (
                  <span className="subtle">revoked {formatAgo(t.revoked_at)}</span>
                ) : (
                  <button className="small danger" onClick={() => revoke(t)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SettingsPage() {
  const serverUrl = useConnection((s) => s.serverUrl);
  const embedded = useConnection((s) => s.embedded);
  const status = useConnection((s) => s.status);
  const lastEventId = useConnection((s) => s.lastEventId);
  const eventsReceived = useConnection((s) => s.eventsReceived);
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [theme, setTheme] = useState<Theme>(storedTheme());
  useEffect(() => {
    api().call('serverInfo').then(setInfo, (e) => toastError(e, 'Server info'));
  }, []);
  const chooseTheme = (next: Theme) => {
    applyTheme(next);
    setTheme(next);
  };
  const signOut = () => {
    rememberToken(null);
    useConnection.getState().patch({ token: null });
  };
  return (
    <div className="page" style={{ maxWidth: 1000 }}>
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <div className="card">
        <h2>Coordinator</h2>
        <dl className="kv">
          <dt>Address</dt>
          <dd className="mono" data-testid="coordinator-address">
            {serverUrl}
          </dd>
          <dt>Version</dt>
          <dd>{info?.version ?? '…'}</dd>
          <dt>Live connection</dt>
          <dd>
            {status} ·{' '}
            <span data-testid="events-received">
              {eventsReceived ? `${eventsReceived.toLocaleString()} event${eventsReceived === 1 ? '' : 's'} since this page opened, the last #${lastEventId}` : 'no events since this page opened'}
            </span>
          </dd>
          <dt>Data directory</dt>
          <dd className="mono" data-testid="data-dir">
            {info?.data_dir ?? '…'}
          </dd>
          <dt>Secrets</dt>
          <dd data-testid="secrets">
            {info ? (
              <>
                <span className="mono">{info.secrets.path}</span>{' '}
                <span className="subtle">
                  {info.secrets.protection === 'os-encryption' ? '(encrypted with the OS keychain)' : '(plain text, protected only by file mode 0600)'}
                </span>
              </>
            ) : (
              '…'
            )}
          </dd>
        </dl>
        {!embedded && (
          <div style={{ marginTop: 12 }}>
            <button onClick={signOut}>Sign out of this tab</button>
          </div>
        )}
      </div>
      <div className="card">
        <h2>Appearance</h2>
        <div className="seg" role="group" aria-label="Theme">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <button key={t} className={theme === t ? 'on' : ''} aria-pressed={theme === t} onClick={() => chooseTheme(t)}>
              {t}
            </button>
          ))}
        </div>
      </div>
      <Tokens />
      <MaintenancePanel />
      <NotificationsPanel />
      <div className="card">
        <h2>Keyboard</h2>
        <dl className="kv">
          <dt>
            <kbd>g</kbd> <kbd>o</kbd> / <kbd>j</kbd> / <kbd>s</kbd> / <kbd>w</kbd> / <kbd>,</kbd>
          </dt>
          <dd>Overview, Jobs, Submit, Workers, Settings</dd>
          <dt>
            <kbd>/</kbd>
          </dt>
          <dd>Filter jobs</dd>
          <dt>
            <kbd>j</kbd> <kbd>k</kbd> <kbd>x</kbd> <kbd>⏎</kbd> <kbd>Esc</kbd>
          </dt>
          <dd>In the jobs list: move, select, open, clear selection</dd>
        </dl>
      </div>
    </div>
  );
}
