import { useState, type FormEvent } from 'react';
import type { KubernetesClusterAdd } from '../../../../shared';
import { api } from '../../api/client';
import { usePolledList } from '../../components/usePolledList';
import { ErrorCard } from '../../components/ErrorCard';

// The bridge worker comes online (or fails) on its own after an add; the page polls like the hosts table.
const K8S_POLL_MS = 3000;
const listClusters = () => api().call('listK8sClusters');

/** Adding runs kubectl on the coordinator's machine and starts the bridge worker. */
const K8S_CALL_MS = 120_000;

function AddClusterForm({ busy, onAdd }: { busy: boolean; onAdd: (body: KubernetesClusterAdd) => Promise<unknown> }) {
  const [name, setName] = useState('');
  const [context, setContext] = useState('');
  const [namespace, setNamespace] = useState('default');
  const [image, setImage] = useState('');
  const [gpus, setGpus] = useState('0');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onAdd({ name: name.trim(), context: context.trim(), namespace: namespace.trim(), image: image.trim(), gpus: Number(gpus) });
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Add a Kubernetes cluster" style={{ display: 'grid', gridTemplateColumns: 'repeat(5, minmax(0, 1fr))', gap: 12 }}>
      <label className="field">
        <span>Cluster name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="lab" aria-label="Kubernetes cluster name" />
      </label>
      <label className="field">
        <span>kubeconfig context</span>
        <input value={context} onChange={(e) => setContext(e.target.value)} placeholder="lab-admin" aria-label="Context" />
      </label>
      <label className="field">
        <span>Namespace</span>
        <input value={namespace} onChange={(e) => setNamespace(e.target.value)} aria-label="Namespace" />
      </label>
      <label className="field">
        <span>Image</span>
        <input value={image} onChange={(e) => setImage(e.target.value)} placeholder="python:3.12" aria-label="Image" />
      </label>
      <label className="field">
        <span>GPUs</span>
        <input type="number" min={0} value={gpus} onChange={(e) => setGpus(e.target.value)} aria-label="GPUs" />
      </label>
      <div className="toolbar" style={{ gridColumn: '1 / -1' }}>
        <button className="primary" disabled={busy || !name.trim() || !context.trim() || !image.trim()} data-testid="add-k8s-cluster">
          {busy ? 'Checking…' : 'Add cluster'}
        </button>
      </div>
    </form>
  );
}

/** Kubernetes clusters: where their Jobs go, and how each cluster's bridge worker stands. */
export function KubernetesSection() {
  const { items: clusters, busy, error, run } = usePolledList(listClusters, K8S_POLL_MS);
  const remove = (name: string) =>
    window.confirm(`Remove cluster ${name}? Its bridge worker stops and hands its jobs back.`) && run(() => api().call('removeK8sCluster', { params: { name } }, K8S_CALL_MS));

  return (
    <section aria-label="Kubernetes clusters">
      <h2>Kubernetes clusters</h2>
      <AddClusterForm busy={busy} onAdd={(body) => run(() => api().call('addK8sCluster', { body }, K8S_CALL_MS))} />
      <ErrorCard error={error} />
      {clusters.length > 0 && (
        <table className="plain card" data-testid="k8s-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Context</th>
              <th>Namespace</th>
              <th>Image</th>
              <th>Capacity</th>
              <th>Bridge worker</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => (
              <tr key={c.name} data-k8s-cluster={c.name}>
                <td>{c.name}</td>
                <td>{c.context}</td>
                <td>{c.namespace}</td>
                <td>
                  <code>{c.image}</code>
                </td>
                <td>
                  {c.max_jobs} jobs, {c.cpus} CPU{c.gpus > 0 ? `, ${c.gpus} × ${c.gpu_model}` : ''}
                </td>
                <td data-testid="k8s-bridge">{c.error ? <span style={{ color: 'var(--danger)' }}>{c.error}</span> : (c.worker_state ?? 'not registered')}</td>
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
