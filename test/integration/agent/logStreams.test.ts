import { afterEach, describe, expect, it } from 'vitest';
import { GantryClient } from '../../../src/shared';
import { startTestCoordinator, type TestCoordinator } from '../cli/harness';
import { waitFor } from '../../support/waitFor';

/** A job that writes both streams, switching several times, as a training script with warnings does. */
const SCRIPT = `echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; sleep 0.2; printf 'err2\\n' >&2; sleep 0.2; echo out3`;

describe('stdout and stderr kept apart end to end: agent, store, route, CLI', () => {
  let t: TestCoordinator;
  afterEach(async () => t.close());

  async function runJob(): Promise<{ id: number; client: GantryClient }> {
    t = await startTestCoordinator();
    await t.startWorker();
    const job = t.coordinator.submit({ command: { shell: SCRIPT } });
    await waitFor(() => t.coordinator.getJob(job.id).state === 'succeeded', 'the job to succeed');
    return { id: job.id, client: new GantryClient({ baseUrl: t.server.url, token: t.token }) };
  }

  it('serves each stream alone with ?stream=, and both interleaved without it', async () => {
    const { id, client } = await runJob();
    const read = async (stream?: 'stdout' | 'stderr') => (await client.request('readLog', { params: { id, attempt: 1 }, query: { stream } })).text();
    expect(await read()).toBe('out1\nerr1\nout2\nerr2\nout3\n');
    expect(await read('stdout')).toBe('out1\nout2\nout3\n');
    expect(await read('stderr')).toBe('err1\nerr2\n');
  });

  it('refuses an unknown stream, naming the field', async () => {
    const { id, client } = await runJob();
    await expect(client.request('readLog', { params: { id, attempt: 1 }, query: { stream: 'stdin' as 'stdout' } })).rejects.toMatchObject({ status: 400, field: expect.stringContaining('stream') });
  });

  it('prints only stderr with `gantry logs --stderr`, also when following', async () => {
    const { id } = await runJob();
    const plain = await t.gantry(['logs', String(id), '--stderr']);
    expect(plain.stdout.toString()).toBe('err1\nerr2\n');
    const followed = await t.gantry(['logs', String(id), '--stderr', '-f']);
    expect(followed.stdout.toString()).toBe('err1\nerr2\n');
    expect((await t.gantry(['logs', String(id)])).stdout.toString()).toBe('out1\nerr1\nout2\nerr2\nout3\n');
  });
});
