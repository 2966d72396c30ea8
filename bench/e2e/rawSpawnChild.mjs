// The machine's floor for running no-op jobs: a small, fresh Node process (nothing loaded but
// child_process) spawning `true` SLOTS at a time, JOBS times. Plain JavaScript, so no TypeScript
// loader inflates the process whose fork cost is measured. Prints {"ms": elapsed} and exits.
import { spawn } from 'node:child_process';

const [jobs, slots] = process.argv.slice(2).map(Number);
let started = 0;
const runOne = () =>
  new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`true exited with ${code}`))));
  });
const lane = async () => {
  while (started < jobs) {
    started++;
    await runOne();
  }
};
const start = performance.now();
await Promise.all(Array.from({ length: slots }, lane));
process.stdout.write(`${JSON.stringify({ ms: performance.now() - start })}\n`);
