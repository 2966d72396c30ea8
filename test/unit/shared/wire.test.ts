import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_REPLIES, wireModuleSource } from '../../../scripts/generate-wire';
import { checkJsonSchema, ERROR_BODY_SCHEMA, ErrorBody, GantryClient, REPLY_SCHEMAS, ROUTE_ADDRESSES, ROUTES, type RouteName } from '../../../src/shared';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { changedAt, jsonPaths } from '../../support/jsonPaths';

type CheckedReply = (typeof CHECKED_REPLIES)[number];

/** Whether zod accepts `value`, and the generated JSON Schema, as the agent checks it; each on its own copy. */
function verdicts(name: CheckedReply, value: unknown): { zod: boolean; wire: boolean } {
  return { zod: ROUTES[name].response.safeParse(structuredClone(value)).success, wire: checkJsonSchema(REPLY_SCHEMAS[name], structuredClone(value)) === null };
}

/** Wrong-typed, out-of-range and missing values at every property of a real reply. */
function mutations(value: unknown): Array<{ what: string; value: unknown }> {
  const replacements: unknown[] = ['text', -1.5, 2 ** 60, true, null, {}, [], ''];
  return jsonPaths(value).flatMap((path) => [
    { what: `${path.join('.')} removed`, value: changedAt(value, path, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key])) },
    ...replacements.map((replacement) => ({ what: `${path.join('.')} = ${JSON.stringify(replacement)}`, value: changedAt(value, path, (parent, key) => (parent[key] = replacement)) })),
  ]);
}

describe('wire.generated.ts', () => {
  it('is what scripts/generate-wire.ts writes from the route table (run `npx tsx scripts/generate-wire.ts` after changing a route)', () => {
    expect(readFileSync(join(__dirname, '../../../src/shared/wire.generated.ts'), 'utf8')).toBe(wireModuleSource());
  });

  it('gives every route of the table its method and path', () => {
    for (const name of Object.keys(ROUTES) as RouteName[]) expect(ROUTE_ADDRESSES[name]).toEqual({ method: ROUTES[name].method, path: ROUTES[name].path });
  });

  it('accepts an error body exactly where ErrorBody does', () => {
    const body = { error: { code: 'conflict', message: 'stale attempt', field: 'attempt' } };
    const cases = [{ what: 'as sent', value: body }, ...mutations(body)];
    const disagreements = cases.filter(({ value }) => (checkJsonSchema(ERROR_BODY_SCHEMA, structuredClone(value)) === null) !== ErrorBody.safeParse(value).success);
    expect(disagreements).toEqual([]);
    expect(checkJsonSchema(ERROR_BODY_SCHEMA, body)).toBeNull();
  });
});

describe('the replies the agent checks, against a real coordinator', () => {
  let server: CoordinatorServer;
  const replies = {} as Record<CheckedReply, unknown>;

  beforeAll(async () => {
    server = await startCoordinatorServer();
    const enrol = new GantryClient({ baseUrl: server.url, token: server.workerToken });
    const register = { name: 'wire', cpus: 4, memory_mb: 4096, gpus: [{ index: 0, uuid: 'GPU-1', model: 'NVIDIA A100', memory_total_mb: 40_960, memory_free_mb: 40_000 }], tags: ['fast'] };
    replies.registerWorker = await enrol.call('registerWorker', { body: register });
    const { id, credential } = replies.registerWorker as { id: string; credential: string };
    const client = new GantryClient({ baseUrl: server.url, token: credential });
    server.coordinator.submit({ command: ['python', 'train.py', '--lr', '0.1'], env: { SEED: '1' }, params: { lr: 0.1, name: 'a' }, outputs: ['*.pt'], timeout_s: 60, requirements: { gpus: 1, gpu_memory_mb: 1000 } });
    server.coordinator.submit({ command: { shell: 'echo two' } });
    server.coordinator.submit({ command: ['true'] });
    const claimed = await client.call('claim', { params: { id }, body: { max: 2 } });
    replies.claim = claimed;
    replies.heartbeat = await client.call('heartbeat', { params: { id }, body: {} });
    const [first] = claimed.jobs;
    replies.finishJobs = await client.call('finishJobs', { body: { results: [{ job_id: first.job.id, attempt: first.attempt, outcome: 'succeeded', exit_code: 0 }], claim: { max: 1 } } });
  });
  afterAll(() => server.close());

  it.each(CHECKED_REPLIES)('%s: accepts the reply as sent, filled in as zod parses it', (name) => {
    const reply = structuredClone(replies[name]);
    expect(checkJsonSchema(REPLY_SCHEMAS[name], reply)).toBeNull();
    expect(reply).toEqual(ROUTES[name].response.parse(structuredClone(replies[name])));
  });

  it.each(CHECKED_REPLIES)('%s: refuses each wrong-typed, out-of-range or missing field exactly where zod does, but for refinements', (name) => {
    const disagreements = mutations(replies[name])
      .map(({ what, value }) => ({ what, ...verdicts(name, value) }))
      .filter(({ zod, wire }) => zod !== wire);
    // JSON Schema carries no zod refinement; the one these mutations meet is Command's "the program must
    // not be blank", which the coordinator checked at submit (and an agent given one fails the attempt at spawn).
    expect(disagreements.filter(({ what }) => !/job\.command\.0 = ""$/.test(what))).toEqual([]);
    expect(disagreements.every(({ zod, wire }) => wire && !zod)).toBe(true);
  });

  it('fills in a defaulted field a coordinator left out, as zod does', () => {
    const reply = structuredClone(replies.heartbeat) as Record<string, unknown>;
    delete reply.preempt;
    expect(checkJsonSchema(REPLY_SCHEMAS.heartbeat, reply)).toBeNull();
    expect(reply.preempt).toEqual(ROUTES.heartbeat.response.parse(reply).preempt);
  });
});
