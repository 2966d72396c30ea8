import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFinishBatcher } from '../../../src/agent/finishBatcher';
import { ensureAdminToken, startServer, type RunningServer } from '../../../src/server';
import { ApiError, GantryClient } from '../../../src/shared';
import { addWorker, credentialOf, openHarness, type Harness } from '../../support/coordinator';
import type { NextJobs } from '../../../src/agent/finishBatcher';

let h: Harness;
let server: RunningServer;
let paths: string[];
let client: GantryClient;

beforeEach(async () => {
  h = openHarness();
  server = await startServer({ coordinator: h.c, logger: false });
  const { token } = ensureAdminToken(h.c, h.dataDir);
  paths = [];
  const counting: typeof fetch = (input, init) => {
    paths.push(new URL(String(input)).pathname);
    return fetch(input, init);
  };
  client = new GantryClient({ baseUrl: server.url, token, fetch: counting });
});

afterEach(async () => {
  await server.close();
  h.cleanup();
});

const finishItem = (job_id: number, attempt: number) => ({ kind: 'finish' as const, job_id, attempt, outcome: 'succeeded' as const, exit_code: 0, error: null });

describe('the agent finish batcher against a real server', () => {
  it('sends results ready in one tick as one request, and rejects only the refused item', async () => {
    const worker = addWorker(h.c, { cpus: 8 });
    const jobs = [1, 2, 3].map(() => h.c.submit({ command: ['true'] }));
    h.c.claim(worker, { max: 3 });
    const finish = createFinishBatcher(client);
    const outcomes = await Promise.allSettled([finish(finishItem(jobs[0].id, 1)), finish(finishItem(jobs[1].id, 7)), finish(finishItem(jobs[2].id, 1))]);
    expect(paths).toEqual(['/api/v1/jobs/finish']);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = (outcomes[1] as PromiseRejectedResult).reason as ApiError;
    expect([refused.code, refused.status]).toEqual(['not_found', 404]);
    expect([jobs[0].id, jobs[2].id].map((id) => h.c.getJob(id).state)).toEqual(['succeeded', 'succeeded']);
  });

  it('uses the plain route for a lone result', async () => {
    const worker = addWorker(h.c);
    const job = h.c.submit({ command: ['true'] });
    h.c.claim(worker);
    await createFinishBatcher(client)(finishItem(job.id, 1));
    expect(paths).toEqual([`/api/v1/jobs/${job.id}/finish`]);
  });

  it('with a claim, sends a lone result and the claim for its slot in one request, and starts the jobs before the result resolves', async () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const [first, second] = [h.c.submit({ command: ['true'] }), h.c.submit({ command: ['true'] })];
    h.c.claim(worker);
    const workerClient = new GantryClient({ baseUrl: server.url, token: credentialOf(worker).credential, fetch: (input, init) => (paths.push(new URL(String(input)).pathname), fetch(input, init)) });
    const order: string[] = [];
    const next: NextJobs = {
      claimFor: (items) => ({ max: items.length, free: {} }),
      start: (jobs) => order.push(...jobs.map((j) => `start ${j.job.id}`)),
      unreadable: () => order.push('unreadable'),
    };
    await createFinishBatcher(workerClient, () => next)(finishItem(first.id, 1)).then(() => order.push('resolved'));
    expect(paths).toEqual(['/api/v1/jobs/finish']);
    expect(order).toEqual([`start ${second.id}`, 'resolved']);
    expect([h.c.getJob(first.id).state, h.c.getJob(second.id).state]).toEqual(['succeeded', 'running']);
  });

  it('asks for brief results with a claim, and sends the results alone to a coordinator that refuses `brief`', async () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const [first, second] = [h.c.submit({ command: ['true'] }), h.c.submit({ command: ['true'] })];
    h.c.claim(worker);
    const bodies: Array<Record<string, unknown>> = [];
    // Answers a body with `brief` as a coordinator from before brief results did.
    const older: typeof fetch = (input, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      bodies.push(body);
      if ('brief' in body) return Promise.resolve(Response.json({ error: { code: 'invalid_request', message: 'body: Unrecognized key: "brief"' } }, { status: 400 }));
      return fetch(input, init);
    };
    const next: NextJobs = { claimFor: (items) => ({ max: items.length, free: {} }), start: () => undefined, unreadable: () => undefined };
    await createFinishBatcher(new GantryClient({ baseUrl: server.url, token: credentialOf(worker).credential, fetch: older }), () => next)(finishItem(first.id, 1));
    expect(bodies.map((body) => [body.brief, 'claim' in body])).toEqual([
      [true, true],
      [undefined, false],
    ]);
    expect([h.c.getJob(first.id).state, h.c.getJob(second.id).state]).toEqual(['succeeded', 'queued']);
  });

  it('sends results alone when nothing asks for a claim', async () => {
    const worker = addWorker(h.c);
    const job = h.c.submit({ command: ['true'] });
    h.c.claim(worker);
    await createFinishBatcher(client, () => ({ claimFor: () => null, start: () => undefined, unreadable: () => undefined }))(finishItem(job.id, 1));
    expect(paths).toEqual([`/api/v1/jobs/${job.id}/finish`]);
  });
});
