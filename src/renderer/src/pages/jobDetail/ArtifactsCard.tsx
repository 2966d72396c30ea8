import { useEffect, useState } from 'react';
import { formatBytes, type Artifact, type JobState } from '../../../../shared';
import { api, describeError } from '../../api/client';
import { saveDownload } from '../../api/saveDownload';

function download(jobId: number, artifact: Artifact): Promise<void> {
  return saveDownload('downloadArtifact', { id: jobId, '*': artifact.name }, artifact.name.split('/').pop() ?? artifact.name);
}

/** The files a job kept: its declared outputs and what it uploaded, each downloadable. Reloads when the job's state changes. */
export function ArtifactsCard({ jobId, state }: { jobId: number; state: JobState }) {
  const [artifacts, setArtifacts] = useState<Artifact[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api()
      .call('listArtifacts', { params: { id: jobId } })
      .then((list) => live && (setArtifacts(list), setError(null)))
      .catch((e: unknown) => live && setError(describeError(e).message));
    return () => {
      live = false;
    };
  }, [jobId, state]);

  return (
    <div className="card" data-testid="artifacts">
      <h2>Artifacts{artifacts?.length ? ` (${artifacts.length})` : ''}</h2>
      {error && <p className="subtle">{error}</p>}
      {artifacts?.length === 0 && (
        <p className="subtle" style={{ margin: 0 }}>
          None yet. Declare files to keep with <code>--output &apos;ckpt/*.pt&apos;</code>, or upload them from the job with <code>gantry_job.upload(path)</code>.
        </p>
      )}
      {artifacts && artifacts.length > 0 && (
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th style={{ textAlign: 'right' }}>Size</th>
              <th>SHA-256</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {artifacts.map((artifact) => (
              <tr key={artifact.name} data-testid="artifact-row">
                <td className="mono">{artifact.name}</td>
                <td style={{ textAlign: 'right' }}>{formatBytes(artifact.size)}</td>
                <td className="mono subtle" title={artifact.sha256}>
                  {artifact.sha256.slice(0, 12)}…
                </td>
                <td>
                  <button className="small" onClick={() => void download(jobId, artifact)}>
                    Download
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
