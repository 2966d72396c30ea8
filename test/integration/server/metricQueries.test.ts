import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SweepMetrics } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer;
let jobId: number;
let sweepId: number;
let sweepJobs: number[];

beforeAll(async () => {
  server = await createTestServer({ checkResponses: true });
  const c = server.coordinator;
  jobId = c.submit({ command: ['train'] }).id;
  c.recordMetrics(jobId, 1, [
    { step: 0, epoch: 0, name: 'loss', value: 2, at: 1_000 },
    { step: 1, epoch: 0, name: 'loss', value: 1, at: 2_000 },
    { step: 2, epoch: 1, name: 'loss', value: 0.5, at: 3_000 },
    { step: 2, epoch: 1, name: 'acc', value: 0.75, at: 3_000 },
  ]);
  const response = await server.call('POST', '/api/v1/jobs/sweep', server.tokens.admin, { template: ['train', '--lr', '{lr}', '--seed', '{seed}'], params: { lr: [0.1, 0.01], seed: [1] }, name: 'train' });
  expect(response.statusCode).toBe(200);
  sweepId = response.json().sweep_id;
  sweepJobs = response.json().jobs.map((j: { id: number }) => j.id);
  // The first job learns faster; the second reports only its first steps.
  c.recordMetrics(sweepJobs[0], 1, [3, 2, 1, 0.5].map((value, step) => ({ step, name: 'loss', value, at: 10_000 + step * 1_000 })));
  c.recordMetrics(sweepJobs[1], 1, [3, 2.5].map((value, step) => ({ step, name: 'loss', value, at: 20_000 + step * 2_000 })));
  c.recordMetrics(sweepJobs[1], 1, [{ step: 0, name: 'grad_norm', value: 9 }]);
});
afterAll(() => server.close());

const get = (url: string, headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${server.tokens.read}`, ...headers } });

describe('GET /api/v1/jobs/:id/metrics', () => {
  it('answers the latest point of each name with latest=1', async () => {
    const response = await get(`/api/v1/jobs/${jobId}/metrics?latest=1`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { attempt: 1, step: 2, epoch: 1, name: 'acc', value: 0.75, at: 3_000 },
      { attempt: 1, step: 2, epoch: 1, name: 'loss', value: 0.5, at: 3_000 },
    ]);
  });

  it('answers one row per name and epoch with by=epoch', async () => {
    const response = await get(`/api/v1/jobs/${jobId}/metrics?by=epoch&name=loss`);
    expect(response.json()).toEqual([
      { name: 'loss', epoch: 0, count: 2, mean: 1.5, min: 1, max: 2, attempt: 1, step: 1, value: 1, at: 2_000 },
      { name: 'loss', epoch: 1, count: 1, mean: 0.5, min: 0.5, max: 0.5, attempt: 1, step: 2, value: 0.5, at: 3_000 },
    ]);
  });

  it('answers CSV with format=csv or Accept: text/csv', async () => {
    const byFormat = await get(`/api/v1/jobs/${jobId}/metrics?format=csv&name=loss`);
    expect(byFormat.headers['content-type']).toMatch(/^text\/csv/);
    expect(byFormat.body).toBe('name,attempt,step,epoch,value,at\r\nloss,1,0,0,2,1000\r\nloss,1,1,0,1,2000\r\nloss,1,2,1,0.5,3000\r\n');
    const byAccept = await get(`/api/v1/jobs/${jobId}/metrics?by=epoch`, { accept: 'text/csv' });
    expect(byAccept.body.split('\r\n')[0]).toBe('name,epoch,count,mean,min,max,last,attempt,step,at');
    expect(byAccept.body.split('\r\n')).toHaveLength(5);
  });

  it('refuses a query asking for two answers, naming the field', async () => {
    const response = await get(`/api/v1/jobs/${jobId}/metrics?latest=1&by=epoch`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ field: 'by' });
    expect((await get(`/api/v1/jobs/${jobId}/metrics?points=0`)).json().error).toMatchObject({ field: 'points' });
  });

  it('still says 404 for an unknown job', async () => {
    expect((await get('/api/v1/jobs/999999/metrics?latest=1')).statusCode).toBe(404);
  });
});

describe('GET /api/v1/sweeps and /api/v1/sweeps/:id/metrics', () => {
  it('lists the sweep with its jobs and parameter names', async () => {
    const response = await get('/api/v1/sweeps');
    expect(response.json()).toEqual([expect.objectContaining({ id: sweepId, name: 'train', project: 'default', param_names: ['lr', 'seed'], mode: 'grid', jobs: 2 })]);
    expect(server.coordinator.getJob(sweepJobs[0]).sweep_id).toBe(sweepId);
  });

  it("answers each job's line, final value and params for the first metric name by default", async () => {
    const response = await get(`/api/v1/sweeps/${sweepId}/metrics`);
    expect(response.statusCode).toBe(200);
    const metrics = SweepMetrics.parse(response.json());
    expect(metrics).toMatchObject({ name: 'grad_norm', names: ['grad_norm', 'loss'], varying_params: ['lr'], x: 'step' });
    const loss = SweepMetrics.parse((await get(`/api/v1/sweeps/${sweepId}/metrics?name=loss&x=time`)).json());
    expect(loss.jobs.map((j) => [j.job_id, j.params.lr, j.count, j.points, j.final?.value])).toEqual([
      [sweepJobs[0], 0.1, 4, [[0, 3], [1, 2], [2, 1], [3, 0.5]], 0.5],
      [sweepJobs[1], 0.01, 2, [[0, 3], [2, 2.5]], 2.5],
    ]);
    expect(loss.jobs[1].final).toEqual({ value: 2.5, step: 1, at: 22_000, x: 2 });
    expect(loss.jobs.map((j) => j.finals)).toEqual([{ loss: 0.5 }, { loss: 2.5, grad_norm: 9 }]);
  });

  it('downsamples each line to the points asked for', async () => {
    const metrics = SweepMetrics.parse((await get(`/api/v1/sweeps/${sweepId}/metrics?name=loss&points=2`)).json());
    expect(metrics.jobs[0].points).toEqual([[0, 3], [3, 0.5]]);
  });

  it('exports every point as CSV with the varying params as columns', async () => {
    const response = await get(`/api/v1/sweeps/${sweepId}/metrics?name=loss&format=csv`);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="sweep-${sweepId}-loss.csv"`);
    expect(response.body.split('\r\n')).toEqual([
      'job_id,job,lr,attempt,step,loss',
      ...[3, 2, 1, 0.5].map((v, step) => `${sweepJobs[0]},train lr=0.1 seed=1,0.1,1,${step},${v}`),
      `${sweepJobs[1]},train lr=0.01 seed=1,0.01,1,0,3`,
      `${sweepJobs[1]},train lr=0.01 seed=1,0.01,1,1,2.5`,
      '',
    ]);
  });

  it("keeps a token limited to another project out of the sweep's metrics", async () => {
    server.coordinator.createProject({ name: 'speech' });
    const speech = server.coordinator.createToken({ name: 'speech-reader', scope: 'read', project: 'speech' }).token;
    const refused = await server.call('GET', `/api/v1/sweeps/${sweepId}/metrics`, speech);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ field: 'id' });
    expect((await server.call('GET', '/api/v1/sweeps', speech)).json()).toEqual([]);
    const own = server.coordinator.createToken({ name: 'default-reader', scope: 'read', project: 'default' }).token;
    expect((await server.call('GET', `/api/v1/sweeps/${sweepId}/metrics`, own)).statusCode).toBe(200);
  });

  it('says 404 for an unknown sweep', async () => {
    const response = await get('/api/v1/sweeps/4242/metrics');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toMatch(/sweep 4242 does not exist/);
  });
});
