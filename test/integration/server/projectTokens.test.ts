import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer;
let visionAdmin: string;
let visionRead: string;
let ownJob: number;
let otherJob: number;
beforeAll(async () => {
  server = await createTestServer();
  server.coordinator.createProject({ name: 'vision' });
  server.coordinator.createProject({ name: 'speech' });
  visionAdmin = server.coordinator.createToken({ name: 'agent', scope: 'admin', project: 'vision' }).token;
  visionRead = server.coordinator.createToken({ name: 'watcher', scope: 'read', project: 'vision' }).token;
  ownJob = server.coordinator.submit({ project: 'vision', command: ['train'], requirements: { tags: ['nowhere'] } }).id;
  otherJob = server.coordinator.submit({ project: 'speech', command: ['train'], requirements: { tags: ['nowhere'] } }).id;
});
afterAll(() => server.close());

function refusal(response: { statusCode: number; json(): unknown }): { code: string; field?: string } {
  expect(response.statusCode).toBe(403);
  return ErrorBody.parse(response.json()).error;
}

describe('a token limited to one project', () => {
  it('lists only its project, and refuses a filter naming another', async () => {
    const page = (await server.call('GET', '/api/v1/jobs', visionRead)).json() as { jobs: Array<{ id: number }> };
    expect(page.jobs.map((job) => job.id)).toEqual([ownJob]);
    expect(refusal(await server.call('GET', '/api/v1/jobs?project=speech', visionRead))).toMatchObject({ code: 'forbidden', field: 'project' });
  });

  it("reads its project's jobs and is refused another project's, naming the id", async () => {
    expect((await server.call('GET', `/api/v1/jobs/${ownJob}`, visionRead)).statusCode).toBe(200);
    expect(refusal(await server.call('GET', `/api/v1/jobs/${otherJob}/attempts`, visionRead))).toMatchObject({ field: 'id' });
    expect(refusal(await server.call('POST', `/api/v1/jobs/${otherJob}/cancel`, visionAdmin)).field).toBe('id');
    expect(server.coordinator.getJob(otherJob).state).toBe('queued');
  });

  it('submits into its project when none is named, and is refused another', async () => {
    const submitted = await server.call('POST', '/api/v1/jobs', visionAdmin, { command: ['eval'] });
    expect(submitted.json()).toMatchObject({ project: 'vision' });
    expect(refusal(await server.call('POST', '/api/v1/jobs', visionAdmin, { command: ['eval'], project: 'speech' })).field).toBe('project');
    expect(refusal(await server.call('POST', '/api/v1/jobs/batch', visionAdmin, { jobs: [{ command: ['a'] }, { command: ['b'], project: 'speech' }] })).field).toBe('jobs.1.project');
    const sweep = await server.call('POST', '/api/v1/jobs/sweep', visionAdmin, { template: ['eval', '{x}'], params: { x: [1, 2] } });
    expect((sweep.json() as { jobs: Array<{ project: string }> }).jobs.map((job) => job.project)).toEqual(['vision', 'vision']);
  });

  it('is refused what reaches beyond one project: events, stats, tokens, the live socket', async () => {
    for (const url of ['/api/v1/events', '/api/v1/stats', '/api/v1/tokens', '/api/v1/ws']) expect((await server.call('GET', url, visionAdmin)).statusCode).toBe(403);
  });

  it('is made only for admin and read tokens, and only for a project that exists', () => {
    expect(() => server.coordinator.createToken({ name: 'w', scope: 'worker', project: 'vision' })).toThrow(expect.objectContaining({ field: 'project' }));
    expect(() => server.coordinator.createToken({ name: 'x', scope: 'read', project: 'nope' })).toThrow(expect.objectContaining({ field: 'project' }));
  });
});
