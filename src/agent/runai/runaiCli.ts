import { spawn, type ChildProcess } from 'node:child_process';
import { collectOutput, type KubectlResult } from '../kubernetes/kubectl';

/** The Run:ai project every call names (`-p`), and the runai executable (default `runai` on PATH). */
export interface RunaiTarget {
  project: string;
  runai?: string;
}

export function spawnRunai(target: RunaiTarget, args: string[]): ChildProcess {
  return spawn(target.runai ?? 'runai', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs runai to the end; never throws for a non-zero exit (the caller reads `code`). */
export function runRunai(target: RunaiTarget, args: string[]): Promise<KubectlResult> {
  return collectOutput(spawnRunai(target, args));
}

/**
 * A workload's STATUS from `runai list jobs -p PROJECT`, a table whose first line names the columns
 * (NAME, STATUS, AGE, …); null when the workload is not listed.
 */
export function runaiStatus(table: string, name: string): string | null {
  const [header, ...rows] = table.split('\n').filter((line) => line.trim() !== '');
  if (!header) return null;
  const columns = header.trim().split(/\s{2,}/);
  const statusAt = columns.indexOf('STATUS');
  for (const row of rows) {
    const cells = row.trim().split(/\s{2,}/);
    if (cells[0] === name && statusAt >= 0) return cells[statusAt] ?? null;
  }
  return null;
}

/** Run:ai statuses that end a workload, and what they mean for the attempt. */
export function runaiOutcome(status: string): 'succeeded' | 'failed' | null {
  if (status === 'Succeeded' || status === 'Completed') return 'succeeded';
  if (status === 'Failed' || status === 'Error' || status === 'Deleted') return 'failed';
  return null;
}

/** runai's own complaint, one line, for an attempt's error. */
export function runaiFailure(what: string, result: KubectlResult): Error {
  const detail = result.stderr.trim().split('\n').pop() ?? '';
  return new Error(`runai ${what} failed${result.code === null ? '' : ` (exit ${result.code})`}${detail ? `: ${detail}` : ''}`);
}
