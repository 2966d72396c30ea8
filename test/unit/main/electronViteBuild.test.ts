import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NODE_ONLY = ['fs', 'path', 'os', 'child_process', 'net', 'crypto', 'worker_threads', 'better-sqlite3', 'node-pty', 'electron', 'fastify', 'ssh2'];
const names = NODE_ONLY.map((m) => m.replace(/[-/]/g, '\\$&')).join('|');
const nodeImport = new RegExp(`(?:require\\(\\s*|from\\s*|import\\(\\s*)["'](?:node:)?(?:${names})(?:/[^"']*)?["']`);
// Vite swaps a Node built-in imported by browser code for an empty stub and only warns; the stub's marker gives it away.
const browserStub = /__vite-browser-external/;

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });
}

describe('electron-vite build', () => {
  let out = '';
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'gantry-electron-build-'));
    const cli = resolve('node_modules/electron-vite/bin/electron-vite.js');
    await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', out, '--logLevel', 'warn'], { maxBuffer: 16 << 20 });
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds the main process as one ESM entry with native modules left external', () => {
    const main = readFileSync(join(out, 'main/index.js'), 'utf8');
    expect(main).toMatch(/from "better-sqlite3"/);
    expect(main).toMatch(/import\("node-pty"\)/);
    expect(main).not.toContain('function Database(');
  });

  it('builds a sandbox-compatible preload that requires nothing but electron', () => {
    const preload = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("gantry"');
    // It takes channel names from src/shared; the payload schemas (and zod) are main's business.
    expect(preload).not.toMatch(/ZodError|node_modules\/zod/);
  });

  it('imports no Node-only module into the renderer bundles', () => {
    const html = join(out, 'renderer/index.html');
    expect(existsSync(html)).toBe(true);
    const bundles = filesUnder(join(out, 'renderer'), /\.(m?js|cjs)$/);
    expect(bundles.length).toBeGreaterThan(0);
    const offenders = bundles.flatMap((file) => {
      const code = readFileSync(file, 'utf8');
      const match = code.match(nodeImport) ?? code.match(browserStub);
      return match ? [`${file}: ${match[0]}`] : [];
    });
    expect(offenders).toEqual([]);
  });
});
