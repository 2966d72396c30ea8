import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

interface BadCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  /** Sent as is, for bodies that are not JSON. */
  raw?: string;
  contentType?: string;
  status: number;
  field?: string;
  message?: RegExp;
}

const job = { command: ['python', 'train.py'] };

const cases: BadCase[] = [
  { name: 'malformed JSON', method: 'POST', url: '/api/v1/jobs', raw: '{"command": [', status: 400, field: 'body' },
  { name: 'a JSON null body', method: 'POST', url: '/api/v1/jobs', raw: 'null', status: 400 },
  { name: 'a JSON array body', method: 'POST', url: '/api/v1/jobs', body: [job], status: 400 },
  { name: 'an empty body', method: 'POST', url: '/api/v1/jobs', raw: '', status: 400 },
  { name: 'a text/plain body', method: 'POST', url: '/api/v1/jobs', raw: 'hello', contentType: 'text/plain', status: 400 },
  { name: 'a body of an unsupported media type', method: 'POST', url: '/api/v1/jobs', raw: '<job/>', contentType: 'application/xml', status: 415 },
  { name: 'a missing command', method: 'POST', url: '/api/v1/jobs', body: {}, status: 400, field: 'command' },
  { name: 'a command of the wrong type', method: 'POST', url: '/api/v1/jobs', body: { command: 42 }, status: 400, field: 'command' },
  { name: 'an empty command', method: 'POST', url: '/api/v1/jobs', body: { command: [] }, status: 400, field: 'command' },
  { name: 'a GPU count of the wrong type', method: 'POST', url: '/api/v1/jobs', body: { ...job, requirements: { gpus: 'two' } }, status: 400, field: 'requirements.gpus' },
  { name: 'a negative GPU count', method: 'POST', url: '/api/v1/jobs', body: { ...job, requirements: { gpus: -1 } }, status: 400, field: 'requirements.gpus' },
  { name: 'an unknown field', method: 'POST', url: '/api/v1/jobs', body: { ...job, bogus: 1 }, status: 400 },
  { name: 'a priority out of range', method: 'POST', url: '/api/v1/jobs', body: { ...job, priority: 1e12 }, status: 400, field: 'priority', message: /from -1000000 to 1000000/ },
  { name: 'a new priority out of range', method: 'PATCH', url: '/api/v1/jobs/1', body: { priority: -2_000_000 }, status: 400, field: 'priority', message: /from -1000000 to 1000000/ },
  { name: 'a huge name', method: 'POST', url: '/api/v1/jobs', body: { ...job, name: 'x'.repeat(100_000) }, status: 400, field: 'name' },
  { name: 'a prototype-polluting key', method: 'POST', url: '/api/v1/jobs', raw: '{"command":["x"],"__proto__":{"admin":true}}', status: 400 },
  { name: 'a dependency on a job that does not exist', method: 'POST', url: '/api/v1/jobs', body: { ...job, depends_on: [999_999] }, status: 404 },
  { name: 'a bad batch item, named by index', method: 'POST', url: '/api/v1/jobs/batch', body: { jobs: [job, { command: 5 }] }, status: 400, field: 'jobs.1.command' },
  { name: 'an empty batch', method: 'POST', url: '/api/v1/jobs/batch', body: { jobs: [] }, status: 400, field: 'jobs' },
  { name: 'a priority of the wrong type', method: 'PATCH', url: '/api/v1/jobs/1', body: { priority: 'high' }, status: 400, field: 'priority' },
  { name: 'a job id that is not a number', method: 'GET', url: '/api/v1/jobs/abc', status: 400, field: 'id' },
  { name: 'a job id of zero', method: 'GET', url: '/api/v1/jobs/0', status: 400, field: 'id' },
  { name: 'a job id too large to be an integer', method: 'GET', url: `/api/v1/jobs/1${'0'.repeat(400)}`, status: 400, field: 'id' },
  { name: 'a NUL byte in the job id', method: 'GET', url: '/api/v1/jobs/%00', status: 400, field: 'id' },
  { name: 'a broken percent-escape', method: 'GET', url: '/api/v1/jobs/%zz', status: 400 },
  { name: 'an unknown job', method: 'GET', url: '/api/v1/jobs/999999', status: 404 },
  { name: 'cancelling an unknown job', method: 'POST', url: '/api/v1/jobs/999999/cancel', status: 404 },
  { name: 'removing an unknown job', method: 'DELETE', url: '/api/v1/jobs/999999', status: 404 },
  { name: 'the log of an unknown job', method: 'GET', url: '/api/v1/jobs/999999/attempts/1/log', status: 404 },
  { name: 'a worker id longer than any route allows', method: 'GET', url: `/api/v1/workers/${'w'.repeat(600)}`, status: 414 },
  { name: 'a worker id with path traversal', method: 'GET', url: '/api/v1/workers/..%2F..%2Fetc%2Fpasswd', status: 404 },
  { name: 'a heartbeat of an unknown worker', method: 'POST', url: '/api/v1/workers/nope/heartbeat', body: {}, status: 404 },
  { name: 'a list limit that is not a number', method: 'GET', url: '/api/v1/jobs?limit=abc', status: 400, field: 'limit' },
  { name: 'an unknown state filter', method: 'GET', url: '/api/v1/jobs?state=bogus', status: 400, field: 'state' },
  { name: 'an unknown query parameter', method: 'GET', url: '/api/v1/jobs?bogus=1', status: 400 },
  { name: 'a log offset below zero', method: 'GET', url: '/api/v1/jobs/1/attempts/1/log?offset=-1', status: 400, field: 'offset' },
  { name: 'a token with the job scope and no job', method: 'POST', url: '/api/v1/tokens', body: { name: 'j', scope: 'job' }, status: 400 },
  { name: 'a token of an unknown scope', method: 'POST', url: '/api/v1/tokens', body: { name: 'j', scope: 'root' }, status: 400, field: 'scope' },
  { name: 'a project name with path traversal', method: 'POST', url: '/api/v1/projects', body: { name: '../../etc' }, status: 400, field: 'name' },
  { name: 'a sweep with an unknown placeholder', method: 'POST', url: '/api/v1/jobs/sweep', body: { template: ['run', '{nope}'], params: { lr: [1] } }, status: 400, field: 'template.1' },
  { name: 'a zip sweep of unequal lengths', method: 'POST', url: '/api/v1/jobs/sweep', body: { template: ['run'], params: { a: [1, 2], b: [1] }, mode: 'zip' }, status: 400, field: 'params.b' },
  { name: 'a hexadecimal job id', method: 'GET', url: '/api/v1/jobs/0x10', status: 400, field: 'id' },
  { name: 'a job id in exponent notation', method: 'GET', url: '/api/v1/jobs/1e1', status: 400, field: 'id' },
  { name: 'a hexadecimal attempt number', method: 'GET', url: '/api/v1/jobs/1/attempts/0x1/log', status: 400, field: 'attempt' },
  { name: 'the metrics of an unknown job', method: 'GET', url: '/api/v1/jobs/999999/metrics', status: 404 },
  { name: 'the GPU history of an unknown worker', method: 'GET', url: '/api/v1/workers/nope/gpus', status: 404 },
  { name: 'an empty program', method: 'POST', url: '/api/v1/jobs', body: { command: [''] }, status: 400, field: 'command.0' },
  { name: 'a blank shell command', method: 'POST', url: '/api/v1/jobs', body: { command: { shell: '  ' } }, status: 400, field: 'command.shell' },
  { name: 'a NUL byte in an argument', method: 'POST', url: '/api/v1/jobs', body: { command: ['echo', 'a\u0000b'] }, status: 400, field: 'command.1' },
  { name: 'a NUL byte in a shell command', method: 'POST', url: '/api/v1/jobs', body: { command: { shell: 'echo \u0000' } }, status: 400, field: 'command.shell' },
  { name: 'a NUL byte in an environment value', method: 'POST', url: '/api/v1/jobs', body: { ...job, env: { A: 'x\u0000' } }, status: 400, field: 'env.A' },
  { name: 'a NUL byte in the cwd', method: 'POST', url: '/api/v1/jobs', body: { ...job, cwd: '/tmp/\u0000' }, status: 400, field: 'cwd' },
  { name: 'a NUL byte in the name', method: 'POST', url: '/api/v1/jobs', body: { ...job, name: 'a\u0000' }, status: 400, field: 'name' },
  { name: 'an empty program in a batch item', method: 'POST', url: '/api/v1/jobs/batch', body: { jobs: [job, { command: ['', 'x'] }] }, status: 400, field: 'jobs.1.command.0' },
  { name: 'an empty program in a sweep template', method: 'POST', url: '/api/v1/jobs/sweep', body: { template: [' ', '{a}'], params: { a: [1] } }, status: 400, field: 'template.0' },
  { name: 'a NUL byte in a sweep value', method: 'POST', url: '/api/v1/jobs/sweep', body: { template: ['run', '{a}'], params: { a: ['x\u0000'] } }, status: 400, field: 'params.a.0' },
  { name: 'an unknown route', method: 'GET', url: '/api/v1/nope', status: 404, message: /not found/ },
  { name: 'an unknown method on a known path', method: 'PATCH', url: '/api/v1/health', body: {}, status: 404, message: /not found/ },
];

/** Inputs a server must survive: the only promise is a 4xx (or success) in the error shape, never a 5xx. */
const hostile: Array<[string, unknown]> = [
  ['NUL bytes in argv', { command: ['a\u0000b', '\u0000'] }],
  ['unicode everywhere', { command: ['echo', '训练 🚀 \u202e'], name: 'ünïcödé 🚀', params: { '🔑': 'värde' } }],
  ['a path traversal cwd', { command: ['ls'], cwd: '../../../../etc' }],
  ['a path traversal project', { command: ['ls'], project: '../../etc' }],
  ['a lone surrogate', { command: ['\ud800'] }],
  ['a huge argv element', { command: ['x'.repeat(70_000)] }],
  ['deeply nested params', { command: ['x'], params: { a: JSON.parse('['.repeat(500) + ']'.repeat(500)) } }],
  ['NaN-like numbers as strings', { command: ['x'], priority: 'NaN' }],
];

describe('bad input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it.each(cases)('$method $url › answers $status for $name', async (bad) => {
    const response = await server.app.inject({
      method: bad.method,
      url: bad.url,
      headers: {
        authorization: `Bearer ${server.tokens.admin}`,
        ...(bad.raw !== undefined || bad.body !== undefined ? { 'content-type': bad.contentType ?? 'application/json' } : {}),
      },
      payload: bad.raw ?? (bad.body === undefined ? undefined : JSON.stringify(bad.body)),
    });
    expect(response.statusCode).toBe(bad.status);
    const body = ErrorBody.parse(response.json());
    if (bad.field) expect(body.error.field).toBe(bad.field);
    if (bad.message) expect(body.error.message).toMatch(bad.message);
  });

  it.each(hostile)('POST /api/v1/jobs › never answers 5xx to %s', async (_, body) => {
    const response = await server.call('POST', '/api/v1/jobs', server.tokens.admin, body);
    expect(response.statusCode).toBeLessThan(500);
    if (response.statusCode >= 400) ErrorBody.parse(response.json());
  });

  it.each(['%00', '..%2F..', '%F0%9F%9A%80', 'x'.repeat(5000), '%E2%80%AE'])('GET /api/v1/jobs?text=… › never answers 5xx to text %#', async (text) => {
    const response = await server.call('GET', `/api/v1/jobs?text=${text}&project=${text}&cursor=${text}`, server.tokens.admin);
    expect(response.statusCode).toBeLessThan(500);
  });

  it('POST /api/v1/jobs › answers 413 in the error shape to a body over the limit', async () => {
    const response = await server.call('POST', '/api/v1/jobs', server.tokens.admin, { command: ['x'.repeat(11 * 1024 * 1024)] });
    expect(response.statusCode).toBe(413);
    expect(ErrorBody.parse(response.json()).error.code).toBe('payload_too_large');
  });

  it('POST /api/v1/jobs/:id/logs › refuses data that is not base64', async () => {
    const response = await server.call('POST', '/api/v1/jobs/1/logs', server.tokens.admin, { attempt: 1, seq: 0, data_b64: 'not base64!' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe('data_b64');
  });
});
