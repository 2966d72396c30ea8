import { useState, type FormEvent } from 'react';
import { useConnection } from '../stores/connection';
import { rememberToken } from '../api/session';
import { createApi, describeError } from '../api/client';

/** Shown when the page has no token, or the coordinator refused the one it had. */
export function TokenGate() {
  const serverUrl = useConnection((s) => s.serverUrl);
  const unauthorized = useConnection((s) => s.unauthorized);
  const embedded = useConnection((s) => s.embedded);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChecking(true);
    setError(null);
    let refused = false;
    try {
      await createApi(serverUrl, token.trim(), () => (refused = true)).call('listWorkers');
      rememberToken(token.trim());
      useConnection.getState().patch({ token: token.trim(), unauthorized: false });
    } catch (err) {
      setError(refused ? 'The coordinator refused this token.' : describeError(err).message);
    } finally {
      setChecking(false);
    }
  };

  return (
    <div className="gate">
      <form className="card" onSubmit={submit}>
        <div className="brand">
          <span className="brand-mark" /> Gantry
        </div>
        <h2>{unauthorized ? 'This token was refused' : 'Sign in with a token'}</h2>
        <p className="subtle" style={{ margin: 0 }}>
          {embedded
            ? 'The desktop app could not authenticate with its coordinator. Restart the app.'
            : 'Open the address that `gantry serve` printed (it ends in ?token=…), or paste a token here. Create one with `gantry tokens create --name NAME --scope read`.'}
        </p>
        <label className="field">
          <span>Token</span>
          <input autoFocus type="password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="gantry_…" aria-label="Token" />
        </label>
        {error && <div style={{ color: 'var(--danger)' }}>{error}</div>}
        <button className="primary" disabled={!token.trim() || checking}>
          {checking ? 'Checking…' : 'Continue'}
        </button>
        <span className="subtle small">Coordinator: {serverUrl}</span>
      </form>
    </div>
  );
}
