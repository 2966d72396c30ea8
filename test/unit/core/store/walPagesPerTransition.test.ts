import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClaimedJob } from '../../../../src/shared';
import { addWorker } from '../../../support/coordinator';
import { useHarnessWithSideConnection } from '../../../support/sideConnection';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const SUMMARY_TABLES = new Set(['job_tallies', 'job_counts', 'job_shapes', 'job_flow_hourly']);

const t = useHarnessWithSideConnection();

/**
 * The pages a call writes to the WAL, each named by the table or index that owns it: each is a
 * 4 KiB frame written and checksummed at commit (issue 19), and unlike a time, this count does not
 * move with load.
 */
function pagesWrittenBy(call: () => void): string[] {
  const wal = join(t.h.dataDir, 'gantry.db-wal');
  t.side.pragma('wal_checkpoint(TRUNCATE)');
  const from = Math.max(WAL_HEADER_BYTES, statSync(wal).size);
  call();
  const frameBytes = (t.side.pragma('page_size', { simple: true }) as number) + FRAME_HEADER_BYTES;
  const bytes = readFileSync(wal);
  const owners = new Map((t.side.prepare('SELECT pageno, name FROM dbstat').all() as Array<{ pageno: number; name: string }>).map((r) => [r.pageno, r.name]));
  const pages: string[] = [];
  for (let at = from; at + frameBytes <= bytes.length; at += frameBytes) pages.push(owners.get(bytes.readUInt32BE(at)) ?? 'unknown');
  return pages;
}

/** The pages of one claim of the queue's head, and of its finish, on a queue of `queued` jobs past its first leaf pages. */
function claimThenFinishPages(queued: number): { claim: string[]; finish: string[] } {
  t.h.c.submitBatch(Array.from({ length: queued }, () => ({ command: ['true'] })));
  const worker = addWorker(t.h.c);
  for (let i = 0; i < 50; i++) {
    const [c] = t.h.c.claim(worker, { max: 1 });
    t.h.c.finish(c.job.id, { attempt: c.attempt, outcome: 'succeeded', exit_code: 0 });
  }
  let claimed: ClaimedJob[] = [];
  const claim = pagesWrittenBy(() => (claimed = t.h.c.claim(worker, { max: 1 })));
  const finish = pagesWrittenBy(() => t.h.c.finish(claimed[0].job.id, { attempt: claimed[0].attempt, outcome: 'succeeded', exit_code: 0 }));
  return { claim, finish };
}

describe('WAL pages a claim and a finish write', () => {
  it('one page of tallies each, not one per summary table', () => {
    const { claim, finish } = claimThenFinishPages(2_000);
    expect(claim.filter((name) => SUMMARY_TABLES.has(name))).toEqual(['job_tallies']);
    expect(finish.filter((name) => SUMMARY_TABLES.has(name))).toEqual(['job_tallies']);
  });

  it('one page of the project and state index each: the job moves between adjacent ranges', () => {
    const { claim, finish } = claimThenFinishPages(2_000);
    expect(claim.filter((name) => name === 'jobs_project_state_id')).toEqual(['jobs_project_state_id']);
    expect(finish.filter((name) => name === 'jobs_project_state_id')).toEqual(['jobs_project_state_id']);
  });
});

describe('B-trees a claim and a finish write', () => {
  it('a claim writes the job, its attempt, its event and tallies, and the indexes over queued jobs of its shape only', () => {
    const { claim, finish } = claimThenFinishPages(2_000);
    // Page 1 (sqlite_schema) is written too when the file grows: that is the file's, not the job's.
    const btrees = (pages: string[]) => [...new Set(pages)].filter((name) => name !== 'sqlite_schema').sort();
    // No index over the whole queue in claim order: readers of that order read shape by shape (issue 19).
    expect(btrees(claim)).toEqual(['attempts', 'attempts_open_by_worker', 'events', 'job_tallies', 'jobs', 'jobs_project_state_id', 'jobs_shape_age', 'jobs_shape_claim']);
    expect(btrees(finish)).toEqual(['attempts', 'attempts_open_by_worker', 'events', 'job_tallies', 'jobs', 'jobs_project_state_id']);
  });
});
