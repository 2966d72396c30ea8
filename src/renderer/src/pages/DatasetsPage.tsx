import { useCallback, useState } from 'react';
import { datasetShape, formatBytes, type Dataset } from '../../../shared';
import { api } from '../api/client';
import { saveDownload } from '../api/saveDownload';
import { EmptyState } from '../components/EmptyState';
import { usePolledList } from '../components/usePolledList';
import { DatasetDetail } from './datasets/DatasetDetail';
import { DatasetUploadForm } from './datasets/DatasetUploadForm';
import { ErrorCard } from '../components/ErrorCard';

/** Datasets change only by upload and delete; a slow poll picks up the CLI's. */
const POLL_MS = 5000;

export function DatasetsPage() {
  const load = useCallback(() => api().call('listDatasets'), []);
  const { items: datasets, busy, error, run } = usePolledList<Dataset>(load, POLL_MS);
  const [selected, setSelected] = useState<string | null>(null);
  const remove = (name: string) =>
    window.confirm(`Delete dataset ${name}? Queued jobs keep the content they were given.`) && run(() => api().call('deleteDataset', { params: { name } }));
  const chosen = datasets.find((d) => d.name === selected);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Datasets</h1>
      </div>
      <DatasetUploadForm busy={busy} run={run} onUploaded={setSelected} />
      <ErrorCard error={error} />
      {datasets.length === 0 ? (
        <EmptyState title="No datasets yet">
          <p>
            Upload a file above, or <code>gantry datasets put train.csv</code>; a job takes one with <code>--input dataset:NAME</code>.
          </p>
        </EmptyState>
      ) : (
        <table className="plain card" data-testid="datasets-table">
          <thead>
            <tr><th>Name</th><th>Format</th><th style={{ textAlign: 'right' }}>Size</th><th>Shape</th><th>File</th><th /></tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => (
              <tr key={dataset.name} data-dataset={dataset.name} aria-selected={dataset.name === selected}>
                <td>
                  <button className="ghost" onClick={() => setSelected(dataset.name === selected ? null : dataset.name)}>{dataset.name}</button>
                </td>
                <td>{dataset.format}</td>
                <td style={{ textAlign: 'right' }}>{formatBytes(dataset.size)}</td>
                <td data-testid="dataset-shape">{datasetShape(dataset)}</td>
                <td className="mono">{dataset.file_name}</td>
                <td className="toolbar">
                  <button className="small" onClick={() => void saveDownload('downloadDataset', { name: dataset.name }, dataset.file_name)}>Download</button>
                  <button className="small danger" disabled={busy} onClick={() => void remove(dataset.name)}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen && <DatasetDetail dataset={chosen} />}
    </div>
  );
}
