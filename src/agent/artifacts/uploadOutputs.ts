import type { ClaimedJob } from '../../shared';
import type { ArtifactEndpoint } from './artifactHttp';
import { uploadArtifact } from './uploadArtifact';

/** Where a job's lines about its outputs go: its own log, so the researcher sees what was kept. */
export type JobLogLine = (line: string) => void;

/** Uploads the files of a finished job that match its output globs; the job's stderr log says what happened to each. */
export type CollectOutputs = (claimed: ClaimedJob, cwd: string, log: JobLogLine) => Promise<void>;

/**
 * The agent's collector: matches `outputs` in the job's directory and uploads each file with the
 * attempt's own job token while the attempt still counts as running (its result is reported after),
 * so a succeeded job has its artifacts. A refused or failed file is logged and the others go on.
 */
export function outputCollector(coordinator: Omit<ArtifactEndpoint, 'token'>): CollectOutputs {
  return async (claimed, cwd, log) => {
    const outputs = claimed.job.outputs ?? [];
    if (outputs.length === 0) return;
    // Loaded with the first job that has outputs: most jobs have none, and every agent would carry it.
    const { glob } = await import('tinyglobby');
    const files = await glob(outputs, { cwd, onlyFiles: true, dot: true, followSymbolicLinks: false, expandDirectories: false });
    if (files.length === 0) {
      log(`gantry: no files match the outputs ${outputs.join(' ')} in ${cwd}\n`);
      return;
    }
    const endpoint = { ...coordinator, token: claimed.token };
    for (const name of files.sort()) {
      try {
        const artifact = await uploadArtifact(endpoint, { jobId: claimed.job.id, path: `${cwd}/${name}`, name, attempt: claimed.attempt });
        log(`gantry: uploaded ${name} (${artifact.size} bytes, sha256 ${artifact.sha256.slice(0, 12)})\n`);
      } catch (error) {
        log(`gantry: could not upload ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  };
}
