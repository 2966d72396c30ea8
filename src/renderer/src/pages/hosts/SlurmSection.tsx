import { useState, type FormEvent } from 'react';
import type { SlurmPilot } from '../../../../shared';
import { api } from '../../api/client';
import { usePolledList } from '../../components/usePolledList';
import { ErrorCard } from '../../components/ErrorCard';

// Pilots move through Slurm's states on their own; the page polls like the hosts table.
const SLURM_POLL_MS = 3000;
const listClusters = () => api().call('listSlurmClusters');

/** Adding looks at the cluster over SSH and may install the agent on its login node. */
const SLURM_CALL_MS = 300_000;

function PilotList({ pilots }: { pilots: SlurmPilot[] }) {
  if (pilots.length === 0) return <span className="subtle">none</span>;
  return (
    <ul className="plain" data-testid="slurm-pilots" style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
      {pilots.map((p) => (
        <li key={p.slurm_job_id}>
          <code>{p.slurm_job_id}</code> {p.state}
          {p.reason && <span className="subtle"> ({p.reason})</span>} <span className="subtle">{p.worker_id ? `worker ${p.worker_name}` : 'not registered'}</span>
        </li>
      ))}
    </ul>
  );
}

function AddClusterForm({ busy, hostNames, onAdd }: { busy: boolean; hostNames: string[]; onAdd: (body: { name: string; login: string; partition: string | null; max_pilots: number; time_limit_min: number }) => Promise<unknown> }) {
  const [name, setName] = useState('');
  const [login, setLogin] = useState('');
  const [partition, setPartition] = useState('');
  const [maxPilots, setMaxPilots] = useState('4');
  const [time, setTime] = useState('60');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onAdd({ name: name.trim(), login: login.trim(), partition: partition.trim() || null, max_pilots: Number(maxPilots), time_limit_min: Number(time) });
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Add a Slurm cluster" style={{ display: 'grid', gridTemplateColumns: 'repeat(5, minmax(0, 1fr))', gap: 12 }}>
      <label className="field">
        <span>Cluster name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="big" aria-label="Cluster name" />
      </label>
      <label className="field">
        <span>Login node (a host)</span>
        <input value={login} onChange={(e) => setLogin(e.target.value)} list="slurm-login-hosts" placeholder="login1" aria-label="Login host" />
        <datalist id="slurm-login-hosts">
          {hostNames.map((h) => (
            <option key={h} value={h} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Partition</span>
        <input value={partition} onChange={(e) => setPartition(e.target.value)} placeholder="default" aria-label="Partition" />
      </label>
      <label className="field">
        <span>Max pilots</span>
        <input type="number" min={1} value={maxPilots} onChange={(e) => setMaxPilots(e.target.value)} aria-label="Max pilots" />
      </label>
      <label className="field">
        <span>Wall time (min)</span>
        <input type="number" min={1} value={time} onChange={(e) => setTime(e.target.value)} aria-label="Wall time" />
      </label>
      <div className="toolbar" style={{ gridColumn: '1 / -1' }}>
        <button className="primary" disabled={busy || !name.trim() || !login.trim()} data-testid="add-slurm-cluster">
          {busy ? 'Connecting…' : 'Add cluster'}
        </button>
      </div>
    </form>
  );
}

/** The Slurm clusters whose login nodes are hosts of this page: their pilots, Slurm job ids and states. */
export function SlurmSection({ hostNames }: { hostNames: string[] }) {
  const { items: clusters, busy, error, run } = usePolledList(listClusters, SLURM_POLL_MS);
  const remove = (name: string) => window.confirm(`Remove cluster ${name}? Its pilots are cancelled.`) && run(() => api().call('removeSlurmCluster', { params: { name } }, SLURM_CALL_MS));

  return (
    <section aria-label="Slurm clusters">
      <h2>Slurm clusters</h2>
      <AddClusterForm busy={busy} hostNames={hostNames} onAdd={(body) => run(() => api().call('addSlurmCluster', { body }, SLURM_CALL_MS))} />
      <ErrorCard error={error} />
      {clusters.length > 0 && (
        <table className="plain card" data-testid="slurm-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Login</th>
              <th>Partition</th>
              <th>Demand</th>
              <th>Pilots (Slurm job, state, worker)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => (
              <tr key={c.name} data-cluster={c.name}>
                <td title={c.error ?? ''}>{c.name}</td>
                <td>{c.login}</td>
                <td>{c.partition ?? '–'}</td>
                <td>{c.demand}</td>
                <td>
                  <PilotList pilots={c.pilots} />
                  {c.error && <div style={{ color: 'var(--danger)' }}>{c.error}</div>}
                </td>
                <td className="toolbar">
                  <button disabled={busy} className="ghost" onClick={() => void remove(c.name)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
