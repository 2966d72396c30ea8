import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../../src/main/paths/settings';

describe('readSettings', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gantry-settings-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns loopback and no port when the file does not exist', () => {
    expect(readSettings(join(dir, 'settings.json'))).toEqual({ host: '127.0.0.1' });
  });

  it('reads the port the user configured', () => {
    writeFileSync(join(dir, 's.json'), JSON.stringify({ port: 4123 }));
    expect(readSettings(join(dir, 's.json')).port).toBe(4123);
  });

  it('rejects a port out of range with an error naming the file and field', () => {
    writeFileSync(join(dir, 's.json'), JSON.stringify({ port: 70000 }));
    expect(() => readSettings(join(dir, 's.json'))).toThrow(SettingsError);
    expect(() => readSettings(join(dir, 's.json'))).toThrow(/s\.json: port/);
  });

  it('rejects a file that is not JSON', () => {
    writeFileSync(join(dir, 's.json'), '{port:');
    expect(() => readSettings(join(dir, 's.json'))).toThrow(/not valid JSON/);
  });
});
