import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHECKED_REPLIES } from '../../../../scripts/generate-wire';
import { checkCompiled, compileSchemaCheck } from '../../../../src/agent/transport/compiledSchemaCheck';
import { checkJsonSchema, GantryClient, REPLY_SCHEMAS, type JsonSchema } from '../../../../src/shared';
import { startCoordinatorServer, type CoordinatorServer } from '../../../support/coordinatorServer';
import { changedAt, jsonPaths } from '../../../support/jsonPaths';

/** Missing, wrong-typed, out-of-range and extra values at every property of a value, and the value itself. */
function variants(value: unknown): Array<{ what: string; value: unknown }> {
  const replacements: unknown[] = ['text', 'not ok!', -1.5, -1, 0, 2 ** 60, Number.NaN, true, null, {}, [], [''], ''];
  return [
    { what: 'as sent', value },
    ...jsonPaths(value).flatMap((path) => [
      { what: `${path.join('.')} removed`, value: changedAt(value, path, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key])) },
      { what: `${path.join('.')} given an extra field`, value: changedAt(value, path, (parent, key) => (parent[key] = typeof parent[key] === 'object' && parent[key] !== null ? { ...parent[key], extra: 1 } : parent[key])) },
      ...replacements.map((replacement) => ({ what: `${path.join('.')} = ${String(replacement)}`, value: changedAt(value, path, (parent, key) => (parent[key] = replacement)) })),
    ]),
  ];
}

/** Both checks on their own copies: the same issue, and the same defaults filled in. */
function disagreements(schema: JsonSchema, cases: Array<{ what: string; value: unknown }>): string[] {
  return cases.flatMap(({ what, value }) => {
    const walked = structuredClone(value);
    const compiled = structuredClone(value);
    const expected = checkJsonSchema(schema, walked);
    const actual = checkCompiled(schema, compiled);
    return JSON.stringify(actual) === JSON.stringify(expected) && JSON.stringify(compiled) === JSON.stringify(walked) ? [] : [`${what}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`];
  });
}

describe('checkCompiled', () => {
  let server: CoordinatorServer;
  const replies = {} as Record<(typeof CHECKED_REPLIES)[number], unknown>;

  beforeAll(async () => {
    server = await startCoordinatorServer();
    const enrol = new GantryClient({ baseUrl: server.url, token: server.workerToken });
    const register = { name: 'compiled', cpus: 4, memory_mb: 4096, gpus: [{ index: 0, uuid: 'GPU-1', model: 'NVIDIA A100', memory_total_mb: 40_960, memory_free_mb: 40_000 }], tags: ['fast'] };
    replies.registerWorker = await enrol.call('registerWorker', { body: register });
    const { id, credential } = replies.registerWorker as { id: string; credential: string };
    const client = new GantryClient({ baseUrl: server.url, token: credential });
    server.coordinator.submit({ command: ['python', 'train.py'], env: { SEED: '1' }, params: { lr: 0.1, name: 'a', on: true }, outputs: ['*.pt'], timeout_s: 60, requirements: { gpus: 1, gpu_memory_mb: 1000, tags: ['fast'] } });
    server.coordinator.submit({ command: { shell: 'echo two' } });
    server.coordinator.submit({ command: ['true'] });
    const claimed = await client.call('claim', { params: { id }, body: { max: 2 } });
    replies.claim = claimed;
    replies.heartbeat = await client.call('heartbeat', { params: { id }, body: {} });
    const [first] = claimed.jobs;
    replies.finishJobs = await client.call('finishJobs', { body: { results: [{ job_id: first.job.id, attempt: first.attempt, outcome: 'succeeded', exit_code: 0 }], claim: { max: 1 } } });
  });
  afterAll(() => server.close());
  afterEach(() => vi.unstubAllGlobals());

  it.each(CHECKED_REPLIES)('%s: finds what checkJsonSchema finds, at every field of a real reply changed every way, and fills the same defaults', (name) => {
    expect(checkCompiled(REPLY_SCHEMAS[name], structuredClone(replies[name]))).toBeNull();
    expect(disagreements(REPLY_SCHEMAS[name], variants(replies[name]))).toEqual([]);
  });

  it('agrees with checkJsonSchema on every keyword: records, strict objects, constants, enums, branches, bounds', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        env: { type: 'object', propertyNames: { type: 'string', pattern: '^[A-Z]+$' }, additionalProperties: { type: 'string' } },
        strict: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false },
        kind: { const: 'job' },
        state: { enum: ['queued', 'running'] },
        both: { allOf: [{ type: 'number', minimum: 0 }, { type: 'number', exclusiveMaximum: 10 }] },
        either: { oneOf: [{ type: 'string', minLength: 2 }, { type: 'array', items: { type: 'boolean' }, maxItems: 2 }] },
        ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        untyped: { description: 'anything' },
        list: { type: 'array', minItems: 1, items: { type: ['integer', 'null'] } },
        fallback: { default: { nested: [1] }, type: 'object' },
      },
      required: ['kind', 'elsewhere'],
    };
    const value = { env: { OK: 'x' }, strict: { a: 1 }, kind: 'job', elsewhere: 0, state: 'queued', both: 5, either: 'ab', ratio: 0.5, untyped: 'x', list: [1, null] };
    expect(disagreements(schema, variants(value))).toEqual([]);
    expect(checkCompiled(schema, { ...value, env: { OK: 'x', bad: 'y' } })).toEqual({ path: 'env.bad', message: 'key expected to match ^[A-Z]+$' });
  });

  it('fills each value its own copy of a default', () => {
    const first = { cancel: [], lease_ttl_s: 30, stop: false, state: 'online' } as Record<string, unknown>;
    const second = structuredClone(first);
    expect(checkCompiled(REPLY_SCHEMAS.heartbeat, first)).toBeNull();
    expect(checkCompiled(REPLY_SCHEMAS.heartbeat, second)).toBeNull();
    expect(first.preempt).toEqual([]);
    expect(first.preempt).not.toBe(second.preempt);
  });

  it('checks with the walker where node refuses code from strings', () => {
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    const schema: JsonSchema = { type: 'object', properties: { n: { type: 'integer', maximum: 3 } }, required: ['n'] };
    const check = compileSchemaCheck(schema);
    expect(check({ n: 4 })).toEqual({ path: 'n', message: 'expected ≤ 3' });
    expect(check({})).toEqual({ path: 'n', message: 'required' });
    expect(check({ n: 1 })).toBeNull();
  });
});
