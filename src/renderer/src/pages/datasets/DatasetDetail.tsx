import { datasetShape, formatBytes, type Dataset } from '../../../../shared';

/** One dataset inspected: its file, hash, shape, columns, and how a job takes it. */
export function DatasetDetail({ dataset }: { dataset: Dataset }) {
  return (
    <div className="card" data-testid="dataset-detail">
      <h2>{dataset.name}</h2>
      <table className="plain">
        <tbody>
          <tr><th>File</th><td className="mono">{dataset.file_name} ({formatBytes(dataset.size)})</td></tr>
          <tr><th>SHA-256</th><td className="mono subtle">{dataset.sha256}</td></tr>
          <tr><th>Format</th><td>{dataset.format} · {datasetShape(dataset)}</td></tr>
          <tr><th>Columns</th><td data-testid="dataset-columns">{dataset.columns?.length ? dataset.columns.join(', ') : '—'}</td></tr>
          <tr><th>Description</th><td>{dataset.description || '—'}</td></tr>
          <tr><th>Uploaded</th><td>{new Date(dataset.created_at).toLocaleString()}</td></tr>
          <tr><th>As a job input</th><td><code>--input dataset:{dataset.name}</code></td></tr>
        </tbody>
      </table>
    </div>
  );
}
