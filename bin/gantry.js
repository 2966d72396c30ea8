#!/usr/bin/env node
// Runs the CLI from its bundle (out/cli, made by `npm run build:cli` and on `npm install`) when the bundle is
// up to date, else from the TypeScript sources through tsx. The bundle starts in a fraction of tsx's time.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliBundleIsFresh, cliBundlePath } from './cliBundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.env.GANTRY_CLI_FROM_SOURCE !== '1' && cliBundleIsFresh(root)) {
  await import(pathToFileURL(cliBundlePath(root)).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
