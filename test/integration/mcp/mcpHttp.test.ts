import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCoordinator, stdoutText, type TestCoordinator } from '../cli/harness';
import { callTool, httpClient, textOf } from './mcpClient';

let t: TestCoordinator;
let readToken: string;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestCoordinator();
  readToken = t.coordinator.createToken({ name: 'mcp-read', scope: 'read' }).token;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await t?.close();
});

async function connected(token: string | undefined): Promise<Client> {
  const client = await httpClient(t.server.url, token);
  clients.push(client);
  return client;
}

describe("the coordinator's /mcp endpoint (streamable HTTP)", () => {
  it('serves the tools to an admin token: submit, then read the job back', async () => {
    const admin = await connected(t.token);
    expect((await admin.listTools()).tools).toHaveLength(9);
    const submitted = await callTool(admin, 'submit_job', { command: ['python', 'train.py'], requirements: { tags: ['nowhere'] } });
    const { job } = submitted.structuredContent as { job: { id: number } };
    expect(t.coordinator.getJob(job.id).state).toBe('queued');
    const why = await callTool(admin, 'why_not_running', { id: job.id });
    expect(textOf(why)).toContain(`#${job.id} queued`);
  });

  it('lets a read token read but not cancel, with the API error', async () => {
    const job = t.coordinator.submit({ command: ['sleep', '1'], requirements: { tags: ['nowhere'] } });
    const reader = await connected(readToken);
    expect(textOf(await callTool(reader, 'list_jobs', { state: 'queued' }))).toContain(`#${job.id} queued`);
    const refused = await callTool(reader, 'cancel_job', { id: job.id });
    expect(refused.structuredContent).toMatchObject({ error: { code: 'forbidden', status: 403 } });
    expect(t.coordinator.getJob(job.id).state).toBe('queued');
  });

  it("with a token limited to one project, lists and submits in that project only", async () => {
    t.coordinator.createProject({ name: 'vision' });
    const other = t.coordinator.submit({ command: ['elsewhere'], requirements: { tags: ['nowhere'] } });
    const agent = await connected(t.coordinator.createToken({ name: 'agent', scope: 'admin', project: 'vision' }).token);
    const submitted = await callTool(agent, 'submit_job', { command: ['python', 'eval.py'], requirements: { tags: ['nowhere'] } });
    const { job } = submitted.structuredContent as { job: { id: number; project: string } };
    expect(job.project).toBe('vision');
    const listed = (await callTool(agent, 'list_jobs', {})).structuredContent as { jobs: Array<{ id: number }> };
    expect(listed.jobs.map((j) => j.id)).toEqual([job.id]);
    expect((await callTool(agent, 'cancel_job', { id: other.id })).structuredContent).toMatchObject({ error: { code: 'forbidden', field: 'id' } });
  });

  it("with a token limited to one project, why_not_running and the log resource say nothing of another project's jobs", async () => {
    t.coordinator.createProject({ name: 'audio' });
    const secret = t.coordinator.submit({ project: 'default', name: 'secret-prep', command: ['prep'], requirements: { tags: ['nowhere'] } });
    const own = t.coordinator.submit({ project: 'audio', command: ['train'], depends_on: [secret.id] });
    const agent = await connected(t.coordinator.createToken({ name: 'audio-agent', scope: 'read', project: 'audio' }).token);
    const why = textOf(await callTool(agent, 'why_not_running', { id: own.id }));
    expect(why).toContain('1 job of another project');
    expect(why).not.toContain('secret-prep');
    await expect(agent.readResource({ uri: `gantry://jobs/${secret.id}/log` })).rejects.toThrow(/outside it/);
  });

  it('refuses a request without a valid token before any MCP exchange', async () => {
    await expect(connected(undefined)).rejects.toThrow(/unauthorized/);
    await expect(connected('not-a-token')).rejects.toThrow(/unauthorized/);
  });

  it('gantry mcp --http prints the client config for this endpoint', async () => {
    const result = await t.gantry(['mcp', '--http']);
    expect(result.code).toBe(0);
    expect(JSON.parse(stdoutText(result))).toEqual({ mcpServers: { gantry: { type: 'http', url: `${t.server.url}/mcp`, headers: { Authorization: 'Bearer <token>' } } } });
  });
});
