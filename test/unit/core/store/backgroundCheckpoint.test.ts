import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../support/coordinator';
import { waitFor } from '../../../support/waitFor';

let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

/** Enough jobs to add pages, far fewer frames than the main connection's autocheckpoint threshold (10,000). */
const submitSome = (harness: Harness) => harness.c.submitBatch(Array.from({ length: 300 }, (_, i) => ({ name: `job-${i}`, command: ['true'] })));

describe('checkpointing the WAL in the background', () => {
  it('leaves committed pages in the WAL when off: the main connection checkpoints only past its threshold', () => {
    h = openHarness();
    const file = join(h.dataDir, 'gantry.db');
    const before = statSync(file).size;
    submitSome(h);
    expect(statSync(file).size).toBe(before);
  });

  it('copies committed pages into the database file with no call on the coordinator when on', async () => {
    h = openHarness({ checkpointInBackground: { resolveFrom: fileURLToPath(import.meta.url) } });
    const file = join(h.dataDir, 'gantry.db');
    const before = statSync(file).size;
    submitSome(h);
    await waitFor(() => statSync(file).size > before, 'the checkpoint thread to copy the new pages into gantry.db');
  });

  it('stops its thread on close, so the last connection removes the WAL and the queue reopens whole', async () => {
    const harness = openHarness({ checkpointInBackground: { resolveFrom: fileURLToPath(import.meta.url) } });
    h = harness;
    submitSome(harness);
    harness.c.close();
    expect(existsSync(join(harness.dataDir, 'gantry.db-wal'))).toBe(false);
    const reopened = harness.reopen();
    expect(reopened.countJobs({}).total).toBe(300);
  });
});
