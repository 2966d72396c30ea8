import { describe, expect, it } from 'vitest';
import { checkJsonSchema, REPLY_SCHEMAS, type JsonSchema } from '../../../src/shared';
import { makeClaimed } from '../agent/jobs/claimedJob';

const reply = (): { jobs: unknown[] } => structuredClone({ jobs: [makeClaimed({ command: ['true'] }), makeClaimed({ command: { shell: 'echo' }, id: 2 })] });

describe('checkJsonSchema', () => {
  it('names the first wrong field by its whole path, however deep', () => {
    const value = reply() as { jobs: Array<{ job: { requirements: { tags: unknown[] } } }> };
    value.jobs[1].job.requirements.tags = ['ok', 'not ok!'];
    expect(checkJsonSchema(REPLY_SCHEMAS.claim, value)).toEqual({ path: 'jobs.1.job.requirements.tags.1', message: 'expected to match ^[\\w.:@/+-]+$' });
  });

  it('says which field is missing, and which shape a value of no allowed branch fails', () => {
    const missing = reply() as { jobs: Array<{ job: Record<string, unknown> }> };
    delete missing.jobs[0].job.state;
    expect(checkJsonSchema(REPLY_SCHEMAS.claim, missing)).toEqual({ path: 'jobs.0.job.state', message: 'required' });
    const branch = reply() as { jobs: Array<{ job: Record<string, unknown> }> };
    branch.jobs[1].job.timeout_s = 'soon';
    expect(checkJsonSchema(REPLY_SCHEMAS.claim, branch)).toEqual({ path: 'jobs.1.job.timeout_s', message: 'matches none of the allowed shapes' });
  });

  it('checks a record by its keys and values, and refuses fields a strict object does not name', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        env: { type: 'object', propertyNames: { type: 'string', pattern: '^[A-Z]+$' }, additionalProperties: { type: 'string' } },
        strict: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false },
      },
    };
    expect(checkJsonSchema(schema, { env: { OK: 'x', bad: 'y' } })).toEqual({ path: 'env.bad', message: 'key expected to match ^[A-Z]+$' });
    expect(checkJsonSchema(schema, { env: { OK: 1 } })).toEqual({ path: 'env.OK', message: 'expected string, got integer' });
    expect(checkJsonSchema(schema, { strict: { a: 1, b: 2 } })).toEqual({ path: 'strict.b', message: 'unknown field' });
    expect(checkJsonSchema(schema, { env: { OK: 'x' }, strict: { a: 1 } })).toBeNull();
  });

  it('fills each value its own copy of a default, every time the same schema checks one', () => {
    const first = { cancel: [], lease_ttl_s: 30, stop: false, state: 'online' } as Record<string, unknown>;
    const second = structuredClone(first);
    expect(checkJsonSchema(REPLY_SCHEMAS.heartbeat, first)).toBeNull();
    expect(checkJsonSchema(REPLY_SCHEMAS.heartbeat, second)).toBeNull();
    expect(first.preempt).toEqual([]);
    expect(second.preempt).toEqual([]);
    expect(first.preempt).not.toBe(second.preempt);
  });
});
