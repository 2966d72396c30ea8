import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, JobPage, ROUTES, SweepResponse } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

describe('jobs over HTTP', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await createTestServer();
    admin = server.tokens.admin;
  });
  afterAll(() => server.close());

  it('submits, gets, cancels, retries and removes a job', async () => {
    const submitted = await server.call('POST', '/api/v1/jobs', admin, { command: ['python', 'train.py'], name: 'train', requirements: { gpus: 1 } });
    expect(submitted.statusCode).toBe(200);
    const job = Job.parse(submitted.json());
    expect(job).toMatchObject({ name: 'train', state: 'queued' });

    const got = await server.call('GET', `/api/v1/jobs/${job.id}`, server.tokens.read);
    expect(Job.parse(got.json()).id).toBe(job.id);

    const cancelled = await server.call('POST', `/api/v1/jobs/${job.id}/cancel`, admin);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled' });

    const retried = await server.call('POST', `/api/v1/jobs/${job.id}/retry`, admin);
    expect(retried.json()).toMatchObject({ state: 'queued' });

    const reprioritised = await server.call('PATCH', `/api/v1/jobs/${job.id}`, admin, { priority: 5 });
    expect(reprioritised.json()).toMatchObject({ priority: 5 });

    expect((await server.call('DELETE', `/api/v1/jobs/${job.id}`, admin)).json()).toEqual({ ok: true });
    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, admin)).statusCode).toBe(404);
  });

  it('answers 409 in the error shape when retrying a job that is not retryable', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    server.coordinator.cancel(job.id);
    const response = await server.call('POST', `/api/v1/jobs/${job.id}/retry`, admin);
    expect(response.statusCode).toBe(200);
    const again = await server.call('POST', `/api/v1/jobs/${job.id}/retry`, admin);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
  });

  it('lists jobs with filters and walks the pages with the cursor', async () => {
    await server.call('POST', '/api/v1/projects', admin, { name: 'paging' });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(Job.parse((await server.call('POST', '/api/v1/jobs', admin, { project: 'paging', command: ['echo', String(i)], name: `page ${i}` })).json()).id);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/jobs?project=paging&limit=2&state=queued${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = JobPage.parse((await server.call('GET', url, server.tokens.read)).json());
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const filtered = JobPage.parse((await server.call('GET', '/api/v1/jobs?project=paging&text=page%203', admin)).json());
    expect(filtered.jobs.map((job) => job.name)).toEqual(['page 3']);

    const counts = await server.call('GET', '/api/v1/jobs/counts?project=paging', admin);
    expect(counts.json()).toMatchObject({ total: 5, queued: 5 });

    for (const query of [`ids=${ids[1]}&ids=${ids[3]}`, `ids=${ids[1]},${ids[3]}`]) {
      const byId = JobPage.parse((await server.call('GET', `/api/v1/jobs?${query}`, admin)).json());
      expect(byId.jobs.map((job) => job.id)).toEqual([ids[3], ids[1]]);
    }
    const bad = await server.call('GET', '/api/v1/jobs?ids=abc', admin);
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'ids.0']);
  });

  it('submits a batch whose items depend on each other by ref', async () => {
    const response = await server.call('POST', '/api/v1/jobs/batch', admin, {
      jobs: [{ ref: 'prep', command: ['prep'] }, { command: ['train'], depends_on: [{ ref: 'prep' }] }],
    });
    expect(response.statusCode).toBe(200);
    const [prep, train] = response.json().jobs;
    expect(train.depends_on).toEqual([prep.id]);
    expect(train.state).toBe('waiting');
  });

  describe('POST /api/v1/jobs/sweep', () => {
    const sweep = { template: ['python', 'train.py', '--lr', '{lr}', '--seed', '{seed}'], params: { lr: ['1e-3', '3e-4'], seed: [1, 2, 3] }, name: 'train', project: 'default' };

    it('previews the count and the first argv without submitting on a dry run', async () => {
      const before = server.coordinator.countJobs({}).total;
      const response = await server.call('POST', '/api/v1/jobs/sweep', admin, { ...sweep, dry_run: true });
      const body = SweepResponse.parse(response.json());
      expect(body.count).toBe(6);
      expect(body.jobs).toEqual([]);
      expect(body.preview[0]).toEqual(['python', 'train.py', '--lr', '1e-3', '--seed', '1']);
      expect(server.coordinator.countJobs({}).total).toBe(before);
    });

    it('submits one job per point, named after its parameters', async () => {
      const response = await server.call('POST', '/api/v1/jobs/sweep', admin, sweep);
      const body = SweepResponse.parse(response.json());
      expect(body.count).toBe(6);
      expect(body.jobs.map((job) => job.name)).toContain('train lr=1e-3 seed=1');
      expect(body.jobs[5]).toMatchObject({ command: ['python', 'train.py', '--lr', '3e-4', '--seed', '3'], params: { lr: '3e-4', seed: 3 } });
    });
  });

  it('GET /api/openapi.json › is an OpenAPI 3.1 document listing every route', async () => {
    const response = await server.call('GET', '/api/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\.1\./);
    for (const route of Object.values(ROUTES)) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
    }
    const submit = document.paths['/api/v1/jobs'].post;
    expect(submit.requestBody.content['application/json'].schema.properties.command).toBeDefined();
    expect(document.paths['/api/v1/jobs/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
  });
});
