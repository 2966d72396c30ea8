import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDataDir, resolveConnection } from '../../../src/cli/connection';
import { CliError, EXIT } from '../../../src/cli/exitCodes';

describe('defaultDataDir', () => {
  it('prefers GANTRY_DATA_DIR, then XDG_DATA_HOME/gantry, then ~/.local/share/gantry', () => {
    expect(defaultDataDir({ GANTRY_DATA_DIR: '/d', XDG_DATA_HOME: '/x' }, '/home/me')).toBe('/d');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, '/home/me')).toBe('/x/gantry');
    expect(defaultDataDir({}, '/home/me')).toBe('/home/me/.local/share/gantry');
  });
});

describe('resolveConnection', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-cli-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('takes flags over the environment over the data dir', async () => {
    await writeFile(join(dataDir, 'server.json'), JSON.stringify({ url: 'http://127.0.0.1:1' }));
    await writeFile(join(dataDir, 'admin-token'), 'from-file\n');
    const env = { GANTRY_URL: 'http://127.0.0.1:2/', GANTRY_TOKEN: 'from-env', GANTRY_DATA_DIR: dataDir };
    expect(await resolveConnection({ url: 'http://127.0.0.1:3', token: 'from-flag' }, env, '/nowhere')).toEqual({ url: 'http://127.0.0.1:3', token: 'from-flag' });
    expect(await resolveConnection({}, env, '/nowhere')).toEqual({ url: 'http://127.0.0.1:2', token: 'from-env' });
    expect(await resolveConnection({}, { GANTRY_DATA_DIR: dataDir }, '/nowhere')).toEqual({ url: 'http://127.0.0.1:1', token: 'from-file' });
  });

  it('reads the data dir named by --data-dir', async () => {
    await writeFile(join(dataDir, 'server.json'), JSON.stringify({ url: 'http://127.0.0.1:9' }));
    await writeFile(join(dataDir, 'admin-token'), 'tok');
    expect(await resolveConnection({ dataDir }, {}, '/nowhere')).toEqual({ url: 'http://127.0.0.1:9', token: 'tok' });
  });

  it('asks whether gantry serve is running when no URL is found, with exit code 4', async () => {
    const error = await resolveConnection({ dataDir }, {}, '/nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.unreachable);
    expect((error as CliError).message).toMatch(/is `gantry serve` running\?/);
    expect((error as CliError).message).toContain(join(dataDir, 'server.json'));
  });

  it('treats a corrupt server.json as absent', async () => {
    await writeFile(join(dataDir, 'server.json'), '{"url":');
    await expect(resolveConnection({ dataDir }, {}, '/nowhere')).rejects.toThrow(/no coordinator found/);
  });

  it('refuses a URL that is not http(s) and a missing token as usage errors', async () => {
    const badUrl = await resolveConnection({ url: 'localhost:7878', token: 't' }, {}, '/nowhere').catch((e: unknown) => e);
    expect((badUrl as CliError).exitCode).toBe(EXIT.usage);
    const noToken = await resolveConnection({ url: 'http://127.0.0.1:1', dataDir }, {}, '/nowhere').catch((e: unknown) => e);
    expect((noToken as CliError).exitCode).toBe(EXIT.usage);
    expect((noToken as CliError).message).toMatch(/no token/);
  });
});
