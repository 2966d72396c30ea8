import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/server';
import { ErrorBody, type Attempt, type Explanation, type GpuNow, type Job, type Project } from '../../../src/shared';
import { openHarness, type Harness } from '../../support/coordinator';

/**
 * Each test: a job of project "speech" named `secret-…`, and a token limited to project "vision"
 * asking through a real route. Nothing in the answer may name "speech", its jobs or their states.
 */
let h: Harness;
let app: FastifyInstance;
let visionRead: string;
let visionAdmin: string;
let admin: string;

beforeEach(async () => {
  h = openHarness({ reserveAfterMs: 60_000 });
  app = await buildApp({ coordinator: h.c, logger: false, jobTokenSecret: 'test-secret' });
  h.c.createProject({ name: 'vision' });
  h.c.createProject({ name: 'speech' });
  visionRead = h.c.createToken({ name: 'watcher', scope: 'read', project: 'vision' }).token;
  visionAdmin = h.c.createToken({ name: 'agent', scope: 'admin', project: 'vision' }).token;
  admin = h.c.createToken({ name: 'admin', scope: 'admin' }).token;
});
afterEach(async () => {
  await app.close();
  h.cleanup();
});

function call(method: InjectOptions['method'], url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) });
}

async function json<T>(method: InjectOptions['method'], url: string, token: string): Promise<T> {
  const response = await call(method, url, token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as T;
}

/** The answer as sent holds neither the other project's name nor its job's. */
function expectNothingOfSpeech(body: string): void {
  expect(body).not.toContain('speech');
  expect(body).not.toContain('secret-');
}

const ONE_GPU = [{ index: 0, model: 'H100', memory_total_mb: 80_000 }];

describe('a project-limited token sees nothing of other projects', () => {
  it('lists only its own project among the projects', async () => {
    const projects = await json<Project[]>('GET', '/api/v1/projects', visionRead);
    expect(projects.map((project) => project.name)).toEqual(['vision']);
  });

  it("is refused another project's job and sweep without being told which project they are in", async () => {
    const other = h.c.submit({ project: 'speech', name: 'secret-train', command: ['train'], requirements: { tags: ['nowhere'] } });
    const refused = await call('GET', `/api/v1/jobs/${other.id}/explain`, visionRead);
    expect(refused.statusCode).toBe(403);
    expect(ErrorBody.parse(refused.json()).error.field).toBe('id');
    expectNothingOfSpeech(refused.body);
    const sweep = await call('POST', '/api/v1/jobs/sweep', admin, { project: 'speech', template: ['eval', '{x}'], params: { x: [1] } });
    const sweepId = (sweep.json() as { sweep_id: number }).sweep_id;
    const refusedSweep = await call('GET', `/api/v1/sweeps/${sweepId}/metrics?name=loss`, visionRead);
    expect(refusedSweep.statusCode).toBe(403);
    expectNothingOfSpeech(refusedSweep.body);
  });

  it("refuses a submission that depends on another project's job, naming the field, and stores nothing", async () => {
    const other = h.c.submit({ project: 'speech', name: 'secret-prep', command: ['prep'], requirements: { tags: ['nowhere'] } });
    const single = await call('POST', '/api/v1/jobs', visionAdmin, { command: ['train'], depends_on: [other.id] });
    expect(single.statusCode).toBe(403);
    expect(ErrorBody.parse(single.json()).error.field).toBe('depends_on.0');
    expectNothingOfSpeech(single.body);
    const batch = await call('POST', '/api/v1/jobs/batch', visionAdmin, { jobs: [{ command: ['a'] }, { command: ['b'], depends_on: [other.id] }] });
    expect(ErrorBody.parse(batch.json()).error.field).toBe('jobs.1.depends_on.0');
    const sweep = await call('POST', '/api/v1/jobs/sweep', visionAdmin, { template: ['eval', '{x}'], params: { x: [1, 2] }, depends_on: [other.id] });
    expect(ErrorBody.parse(sweep.json()).error.field).toBe('depends_on.0');
    expect(h.c.listJobs({ project: 'vision' }).jobs).toEqual([]);
  });

  it("does not name or give the state of another project's job that its own job waits on", async () => {
    const other = h.c.submit({ project: 'speech', name: 'secret-prep', command: ['prep'], requirements: { tags: ['nowhere'] } });
    const own = h.c.submit({ project: 'vision', command: ['train'], depends_on: [other.id] });
    const response = await call('GET', `/api/v1/jobs/${own.id}/explain`, visionRead);
    expectNothingOfSpeech(response.body);
    expect(response.body).not.toContain('queued');
    const explanation = response.json() as Explanation;
    expect(explanation.reasons[0]).toMatchObject({ code: 'waiting_on_dependencies', jobs: [], message: 'waiting on 1 dependency: 1 job of another project' });
    // An unlimited token still sees it.
    expect((await json<Explanation>('GET', `/api/v1/jobs/${own.id}/explain`, admin)).summary).toContain('secret-prep');
  });

  it("does not name another project's job that blocks its own", async () => {
    const other = h.c.submit({ project: 'speech', name: 'secret-prep', command: ['prep'], requirements: { tags: ['nowhere'] } });
    const own = h.c.submit({ project: 'vision', command: ['train'], depends_on: [other.id] });
    h.c.cancel(other.id);
    const response = await call('GET', `/api/v1/jobs/${own.id}/explain`, visionRead);
    expectNothingOfSpeech(response.body);
    expect((response.json() as Explanation).reasons[0]).toMatchObject({ code: 'blocked_by', job: null, message: 'blocked by a dependency in another project' });
  });

  it("leaves other projects' jobs out of its job's dependents", async () => {
    const own = h.c.submit({ project: 'vision', name: 'base', command: ['base'], requirements: { tags: ['nowhere'] } });
    const mine = h.c.submit({ project: 'vision', command: ['next'], depends_on: [own.id] });
    h.c.submit({ project: 'speech', name: 'secret-follow', command: ['follow'], depends_on: [own.id] });
    const response = await call('GET', `/api/v1/jobs/${own.id}/dependents`, visionRead);
    expectNothingOfSpeech(response.body);
    expect((response.json() as Job[]).map((job) => job.id)).toEqual([mine.id]);
  });

  it("does not name another project's job that a worker is held for", async () => {
    const worker = h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 32_000 }).id;
    h.c.submit({ project: 'vision', command: ['hog'], priority: 100, requirements: { cpus: 4 } });
    h.c.claim(worker);
    const big = h.c.submit({ project: 'speech', name: 'secret-big', command: ['big'], priority: 10, requirements: { cpus: 8 } });
    const small = h.c.submit({ project: 'vision', command: ['small'], requirements: { cpus: 1 } });
    h.clock.advance(61_000);
    h.c.heartbeat(worker, {});
    expect((await json<Explanation>('GET', `/api/v1/jobs/${small.id}/explain`, admin)).reasons[0]).toMatchObject({ code: 'workers_reserved', for_job: { id: big.id } });
    const response = await call('GET', `/api/v1/jobs/${small.id}/explain`, visionRead);
    expectNothingOfSpeech(response.body);
    expect((response.json() as Explanation).reasons[0]).toMatchObject({ code: 'worker_fits_but_busy', workers: [worker] });
  });

  it("does not name another project's job that its job will preempt", async () => {
    const worker = h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: ONE_GPU }).id;
    const victim = h.c.submit({ project: 'speech', name: 'secret-train', command: ['train'], preemptible: true, grace_s: 5, min_runtime_s: 0, requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    const urgent = h.c.submit({ project: 'vision', command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    expect((await json<Explanation>('GET', `/api/v1/jobs/${urgent.id}/explain`, admin)).summary).toContain(`#${victim.id}`);
    const response = await call('GET', `/api/v1/jobs/${urgent.id}/explain`, visionRead);
    expect(response.body).not.toContain(`#${victim.id}`);
    expect((response.json() as Explanation).reasons[0]).toMatchObject({ code: 'will_preempt', victims: [], message: 'will preempt 1 job of another project on gpu-box (grace 5 s)' });
  });

  it("does not give the id of another project's job that preempted its own", async () => {
    const worker = h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: ONE_GPU }).id;
    const victim = h.c.submit({ project: 'vision', command: ['train'], preemptible: true, grace_s: 5, min_runtime_s: 0, requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    const urgent = h.c.submit({ project: 'speech', name: 'secret-deadline', command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    expect(h.c.listAttempts(victim.id)[0].preempted_by).toBe(urgent.id);
    const attempts = await json<Attempt[]>('GET', `/api/v1/jobs/${victim.id}/attempts`, visionRead);
    expect(attempts[0].preempted_by).toBeNull();
  });

  it("leaves other projects' jobs out of the jobs on each GPU", async () => {
    const worker = h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: ONE_GPU }).id;
    const other = h.c.submit({ project: 'speech', command: ['train'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    h.c.heartbeat(worker, { gpu_samples: [{ index: 0, utilization_pct: 90, memory_used_mb: 1000, memory_total_mb: 80_000, temperature_c: 50, power_w: 200 }] });
    expect((await json<GpuNow[]>('GET', '/api/v1/gpus', admin))[0].jobs).toEqual([other.id]);
    expect((await json<GpuNow[]>('GET', '/api/v1/gpus', visionRead))[0].jobs).toEqual([]);
  });
});
