import { useCallback } from 'react';
import { formatBytes, type Model } from '../../../shared';
import { api } from '../api/client';
import { saveDownload } from '../api/saveDownload';
import { EmptyState } from '../components/EmptyState';
import { usePolledList } from '../components/usePolledList';
import { Link } from '../router';
import { ErrorCard } from '../components/ErrorCard';

/** Models change only by register and delete; a slow poll picks up the CLI's. */
const POLL_MS = 5000;

const pairs = (record: Record<string, unknown>): string =>
  Object.entries(record)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? Number(value.toPrecision(4)) : String(value)}`)
    .join(' ') || '—';

/** Every version of every model, newest first within a name: where it came from, its params and final metrics. */
export function ModelsPage() {
  const load = useCallback(() => api().call('listModels'), []);
  const { items: models, busy, error, run } = usePolledList<Model>(load, POLL_MS);
  const removeVersion = (m: Model) =>
    window.confirm(`Delete ${m.name} version ${m.version}? Its file goes once nothing else refers to it.`) &&
    run(() => api().call('deleteModelVersion', { params: { name: m.name, version: m.version } }));
  const removeModel = (name: string) => window.confirm(`Delete every version of ${name}?`) && run(() => api().call('deleteModel', { params: { name } }));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Models</h1>
      </div>
      <ErrorCard error={error} />
      {models.length === 0 ? (
        <EmptyState title="No models yet">
          <p>
            Register a job&apos;s artifact as a model: <code>gantry models register resnet --job 7 --artifact ckpt/last.pt</code>.
          </p>
        </EmptyState>
      ) : (
        <table className="plain card" data-testid="models-table">
          <thead>
            <tr><th>Model</th><th>Version</th><th style={{ textAlign: 'right' }}>Size</th><th>From</th><th>Params</th><th>Final metrics</th><th /></tr>
          </thead>
          <tbody>
            {models.map((m, i) => (
              <tr key={`${m.name}@${m.version}`} data-model={`${m.name}@${m.version}`}>
                <td>{i === 0 || models[i - 1].name !== m.name ? <strong>{m.name}</strong> : null}</td>
                <td>v{m.version}</td>
                <td style={{ textAlign: 'right' }}>{formatBytes(m.size)}</td>
                <td className="mono">
                  {m.job_id === null ? '—' : <Link to={`/jobs/${m.job_id}`}>#{m.job_id}</Link>} {m.artifact}
                </td>
                <td className="mono small">{pairs(m.params)}</td>
                <td className="mono small" data-testid="model-metrics">{pairs(m.metrics)}</td>
                <td className="toolbar">
                  <button className="small" onClick={() => void saveDownload('downloadModel', { name: m.name, version: m.version }, m.artifact.split('/').pop() ?? m.name)}>Download</button>
                  <button className="small danger" disabled={busy} onClick={() => void removeVersion(m)}>Delete</button>
                  {(i === 0 || models[i - 1].name !== m.name) && (
                    <button className="small danger" disabled={busy} onClick={() => void removeModel(m.name)}>Delete all</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
