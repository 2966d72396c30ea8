import { readFileSync, readdirSync } from 'node:fs';
import { killGroup } from '../jobs/jobProcessEvents';
import type { AgentLogger } from '../logger';
import { canInspectProcesses, type GroupRecord, type ProcessGroupRecords } from './processGroups';

/** Live (not zombie) processes in a process group, read from /proc. */
function liveMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which may itself hold spaces and parentheses: state ppid pgrp …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The job's own variables in a process's environment tell the attempt's processes from a stranger that reuses the number. */
function belongsToAttempt(pid: number, record: GroupRecord): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return env.includes(`GANTRY_JOB_ID=${record.job_id}`) && env.includes(`GANTRY_ATTEMPT=${record.attempt}`);
  } catch {
    return false;
  }
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (liveMembers(pgid).length > 0) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Kills the process groups an earlier run of this agent started and left running (it died
 * without stopping them). A fresh agent holds no attempt, and those attempts were lost and run
 * again elsewhere, so their processes only hold GPUs and memory. SIGTERM first (a job may
 * checkpoint), SIGKILL after `graceMs`. Each kill is logged.
 */
export async function reapOrphans(records: ProcessGroupRecords, logger: AgentLogger, graceMs: number): Promise<void> {
  for (const record of records.leftovers()) {
    const fields = { job_id: record.job_id, attempt: record.attempt, pgid: record.pgid };
    if (!records.fromThisBoot(record)) {
      records.discard(record);
      continue;
    }
    if (!canInspectProcesses()) {
      logger.warn('an earlier run may have left a job running; without /proc it cannot be told apart from other processes, so it is left alone', fields);
      records.discard(record);
      continue;
    }
    const members = liveMembers(record.pgid).filter((pid) => belongsToAttempt(pid, record));
    if (members.length > 0) {
      logger.warn('killing an orphaned process group: an earlier run of this agent started it and this worker no longer holds its attempt', { ...fields, processes: members.length });
      killGroup(record.pgid, 'SIGTERM');
      if (!(await waitUntilGone(record.pgid, graceMs))) killGroup(record.pgid, 'SIGKILL');
    }
    records.discard(record);
  }
}
