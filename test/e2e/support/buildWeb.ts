import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './gantryServe';

/** Builds the browser console into out/web, as `npm run build:web` does. */
export function buildWeb(): void {
  execFileSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
}
