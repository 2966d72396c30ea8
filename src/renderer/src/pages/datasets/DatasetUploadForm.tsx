import { useState, type FormEvent } from 'react';
import { datasetNameFor } from '../../../../shared';
import { uploadDataset } from '../../api/uploadDataset';
import type { PolledList } from '../../components/usePolledList';
import { toastSuccess } from '../../stores/toasts';

/** Uploads a file from this browser as a dataset, named after the file unless a name is given. */
export function DatasetUploadForm({ busy, run, onUploaded }: { busy: boolean; run: PolledList<unknown>['run']; onUploaded: (name: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const dataset = await run(() => uploadDataset(file, name.trim() || datasetNameFor(file.name), description));
    if (!dataset) return;
    toastSuccess(`Uploaded dataset ${dataset.name}`);
    onUploaded(dataset.name);
    setName('');
    setDescription('');
  };
  return (
    <form className="card toolbar" onSubmit={(e) => void submit(e)} data-testid="dataset-upload">
      <input type="file" aria-label="Dataset file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <input placeholder={file ? datasetNameFor(file.name) : 'name'} aria-label="Dataset name" value={name} onChange={(e) => setName(e.target.value)} />
      <input placeholder="description" aria-label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <button className="primary" type="submit" disabled={!file || busy}>{busy ? 'Working…' : 'Upload'}</button>
    </form>
  );
}
