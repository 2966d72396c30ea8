import { useState, type FormEvent } from 'react';
import { parseSshTarget, type HostAdd } from '../../../../shared';
import { describeError } from '../../api/client';

/** Name, `USER@HOST[:PORT]`, key file, jump hosts and labels; parsed with the CLI's own parser. */
export function AddHostForm({ busy, onAdd }: { busy: boolean; onAdd: (body: HostAdd) => Promise<void> }) {
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [identity, setIdentity] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [jump, setJump] = useState('');
  const [labels, setLabels] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body: HostAdd = {
        name: name.trim(),
        ssh: parseSshTarget(target, null, 'ssh'),
        identity_file: identity.trim() || null,
        jump: jump.split(',').map((hop) => hop.trim()).filter(Boolean).map((hop) => parseSshTarget(hop, null, 'jump')),
        labels: labels.split(',').map((l) => l.trim()).filter(Boolean),
        ...(passphrase ? { passphrase } : {}),
      };
      await onAdd(body);
      setPassphrase('');
    } catch (err) {
      setError(describeError(err).message);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-label="Add a host" style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 12 }}>
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="gpu1" aria-label="Host name" />
      </label>
      <label className="field">
        <span>SSH</span>
        <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="ada@gpu1.lab:22" aria-label="SSH target" />
      </label>
      <label className="field">
        <span>Key file (on this machine)</span>
        <input value={identity} onChange={(e) => setIdentity(e.target.value)} placeholder="~/.ssh/id_ed25519 (empty: ssh-agent)" aria-label="Key file" />
      </label>
      <label className="field">
        <span>Key passphrase</span>
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} aria-label="Key passphrase" />
      </label>
      <label className="field">
        <span>Jump hosts</span>
        <input value={jump} onChange={(e) => setJump(e.target.value)} placeholder="ops@bastion:2200, …" aria-label="Jump hosts" />
      </label>
      <label className="field">
        <span>Labels</span>
        <input value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="a100, big" aria-label="Labels" />
      </label>
      <div className="toolbar" style={{ gridColumn: '1 / -1' }}>
        <button className="primary" disabled={busy || !name.trim() || !target.trim()} data-testid="add-host">
          {busy ? 'Connecting…' : 'Add host'}
        </button>
        {error && <span style={{ color: 'var(--danger)' }}>{error}</span>}
      </div>
    </form>
  );
}
