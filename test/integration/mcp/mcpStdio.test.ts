import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, type TestCoordinator } from '../cli/harness';
import { callTool, stdioClient, textOf } from './mcpClient';

const TOOLS = ['cancel_job', 'get_job', 'get_metrics', 'list_jobs', 'list_workers', 'submit_job', 'submit_sweep', 'tail_log', 'why_not_running'];
// Each point prints a line with its value and reports a metric, as a training script would.
const TEMPLATE = ['sh', '-c', 'printf "\\033[32mhello %s\\033[0m\\n" "$0"; echo "::metric {\\"step\\": 3, \\"loss\\": 0.25}"', '{x}'];

let t: TestCoordinator;
let admin: Client;
let reader: Client;
beforeAll(async () => {
  t = await startTestCoordinator();
  await t.startWorker();
  const { token: readToken } = t.coordinator.createToken({ name: 'mcp-read', scope: 'read' });
  [admin, reader] = await Promise.all([stdioClient(t.server.url, t.token), stdioClient(t.server.url, readToken)]);
});
afterAll(async () => {
  await Promise.all([admin?.close(), reader?.close()]);
  await t?.close();
});

describe('gantry mcp over stdio', () => {
  it('lists the tools, each with a JSON schema for its input', async () => {
    const { tools } = await admin.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    const submit = tools.find((tool) => tool.name === 'submit_job');
    expect(submit?.inputSchema.properties).toHaveProperty('command');
    expect(submit?.inputSchema.properties).toHaveProperty('requirements');
    expect(tools.find((tool) => tool.name === 'submit_sweep')?.inputSchema.properties).toHaveProperty('dry_run');
  });

  it('previews a sweep, submits it, waits for it, and reads a log tail and a metric', async () => {
    const preview = await callTool(admin, 'submit_sweep', { template: TEMPLATE, params: { x: ['a', 'b'] }, dry_run: true });
    expect(preview.structuredContent).toMatchObject({ count: 2 });
    expect(t.coordinator.listJobs({}).jobs).toHaveLength(0);

    const submitted = await callTool(admin, 'submit_sweep', { template: TEMPLATE, params: { x: ['a', 'b'] } });
    expect(submitted.isError).toBeFalsy();
    const ids = (submitted.structuredContent as { job_ids: number[] }).job_ids;
    expect(ids).toHaveLength(2);

    for (const id of ids) {
      await waitFor(async () => ((await callTool(admin, 'get_job', { id })).structuredContent as { job: { state: string } }).job.state === 'succeeded', `job ${id} to succeed`, 60_000);
    }
    const tail = await callTool(reader, 'tail_log', { id: ids[1], bytes: 1024 });
    expect(tail.structuredContent).toMatchObject({ job_id: ids[1], attempt: 1, complete: true });
    expect(textOf(tail)).toContain('hello b\n');
    expect(textOf(tail)).not.toContain('\u001b[');

    const metrics = await callTool(reader, 'get_metrics', { id: ids[0], name: 'loss' });
    expect(metrics.structuredContent).toMatchObject({ latest: { loss: { value: 0.25, step: 3 } } });
    expect(textOf(metrics)).toContain('loss = 0.25 at step 3');

    const log = await reader.readResource({ uri: `gantry://jobs/${ids[0]}/log` });
    expect(log.contents[0]).toMatchObject({ mimeType: 'text/plain', text: expect.stringContaining('hello a') });
  });

  it('reads every page of a long history: the latest points are the last recorded, and limit/cursor read one page at a time', async () => {
    const job = t.coordinator.submit({ command: ['true'], requirements: { tags: ['nowhere'] } });
    // Past one page of the listing (10,000 points).
    const total = 12_345;
    for (let from = 0; from < total; from += 5_000) {
      t.coordinator.recordMetrics(job.id, 1, Array.from({ length: Math.min(5_000, total - from) }, (_, i) => ({ step: from + i, name: 'loss', value: (from + i) / 1000 })));
    }
    const latest = await callTool(reader, 'get_metrics', { id: job.id });
    expect(latest.structuredContent).toMatchObject({ latest: { loss: { step: total - 1, value: (total - 1) / 1000 } } });
    const points = (latest.structuredContent as { points: Array<{ step: number }> }).points;
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 200 }, (_, i) => total - 200 + i));

    const first = await callTool(reader, 'get_metrics', { id: job.id, limit: 3 });
    const page1 = first.structuredContent as { points: Array<{ step: number }>; next_cursor: string };
    expect(page1.points.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(textOf(first)).toContain(`(more points: cursor ${page1.next_cursor})`);
    const second = await callTool(reader, 'get_metrics', { id: job.id, limit: 3, cursor: page1.next_cursor });
    expect((second.structuredContent as { points: Array<{ step: number }> }).points.map((p) => p.step)).toEqual([3, 4, 5]);
  });

  it('refuses a cancel with a read-only token, with the API error', async () => {
    const job = t.coordinator.submit({ command: ['sleep', '1'], requirements: { tags: ['nowhere'] } });
    const refused = await callTool(reader, 'cancel_job', { id: job.id });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: 'forbidden', status: 403 } });
    expect(t.coordinator.getJob(job.id).state).toBe('queued');
  });

  it("passes the API's field on a refusal, so the agent knows which argument to fix", async () => {
    const refused = await callTool(admin, 'submit_job', { command: ['true'], project: 'no-such-project' });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: 'not_found', field: 'project' } });
    expect(textOf(refused)).toContain('(field: project)');
  });
});
