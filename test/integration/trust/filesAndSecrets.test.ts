import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secureDataDir } from '../../../src/core';
import { dataDirLayout, ensureDataDirLayout } from '../../../src/main/paths/dataDirLayout';
import { REDACTED, type Job, type JobPage } from '../../../src/shared';
import { createTestServer, type TestServer } from '../server/testServer';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('data dir file modes', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes an existing 0755 data dir 0700 and its files 0600, and says which it fixed', () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-modes-'));
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'logs', '1'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'gantry.db'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'logs', '1', '1.log'), 'secret output', { mode: 0o644 });
    const fixed = secureDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'logs', '1'))).toBe(0o700);
    expect(mode(join(dir, 'gantry.db'))).toBe(0o600);
    expect(mode(join(dir, 'logs', '1', '1.log'))).toBe(0o600);
    expect(fixed).toContain(join(dir, 'gantry.db'));
    expect(secureDataDir(dir)).toEqual([]);
  });

  it('creates a fresh data dir owner-only, with the database file already 0600', () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-modes-'));
    const dir = join(root, 'fresh');
    expect(secureDataDir(dir)).toEqual([]);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'gantry.db'))).toBe(0o600);
  });

  it("makes the desktop app's folders and their files owner-only", () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-layout-'));
    const layout = dataDirLayout(join(root, 'userData'));
    mkdirSync(layout.spool, { recursive: true, mode: 0o755 });
    writeFileSync(join(layout.spool, 'worker-credential.json'), '{}', { mode: 0o644 });
    const fixed = ensureDataDirLayout(layout);
    for (const dir of [layout.root, layout.db, layout.logs, layout.spool, layout.secrets]) expect(mode(dir), dir).toBe(0o700);
    expect(mode(join(layout.spool, 'worker-credential.json'))).toBe(0o600);
    expect(fixed).toContain(join(layout.spool, 'worker-credential.json'));
  });
});

describe('secret env values', () => {
  let server: TestServer;
  let job: Job;
  beforeAll(async () => {
    server = await createTestServer();
    job = server.coordinator.submit({ command: ['train'], env: { HF_TOKEN: 'hf_live', AWS_SECRET_ACCESS_KEY: 'aws', DB_PASSWORD: 'pw', LR: '3e-4' } });
  });
  afterAll(() => server.close());

  it('are redacted for read tokens in a job, a job list and dependents', async () => {
    const expected = { HF_TOKEN: REDACTED, AWS_SECRET_ACCESS_KEY: REDACTED, DB_PASSWORD: REDACTED, LR: '3e-4' };
    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, server.tokens.read)).json().env).toEqual(expected);
    const page = (await server.call('GET', '/api/v1/jobs', server.tokens.read)).json() as JobPage;
    expect(page.jobs.find((j) => j.id === job.id)?.env).toEqual(expected);
  });

  it('are redacted for read tokens when the job declares them in secret_env, whatever their names', async () => {
    const declared = server.coordinator.submit({ command: ['train'], env: { WANDB_API: 'w-live', LR: '3e-4' }, secret_env: ['WANDB_API'] });
    const seen = (await server.call('GET', `/api/v1/jobs/${declared.id}`, server.tokens.read)).json() as Job;
    expect(seen.env).toEqual({ WANDB_API: REDACTED, LR: '3e-4' });
    expect(seen.secret_env).toEqual(['WANDB_API']);
    expect((await server.call('GET', `/api/v1/jobs/${declared.id}`, server.tokens.admin)).json().env.WANDB_API).toBe('w-live');
  });

  it('refuses a secret_env entry that is not a variable name, naming the field', async () => {
    const res = await server.call('POST', '/api/v1/jobs', server.tokens.admin, { command: ['train'], secret_env: ['bad name'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('secret_env.0');
  });

  it('are shown to the admin', async () => {
    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, server.tokens.admin)).json().env.HF_TOKEN).toBe('hf_live');
  });
});
