import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processContext } from './context';
import { PACKAGE_ROOT } from './packageRoot';
import { runCli } from './runCli';

const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };

// `gantry logs 1 | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), processContext(), version);
