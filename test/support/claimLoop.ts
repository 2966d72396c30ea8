// A child process that claims and finishes jobs from a shared data dir until the queue is empty;
// prints the job ids it ran as JSON. Used to test claims from several processes on one database file.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinator } from '../../src/core';

const [dataDir, name] = process.argv.slice(2);
const c = createCoordinator({ dataDir, sweepIntervalMs: null });
const worker = c.registerWorker({ name, cpus: 4, memory_mb: 1000 }).id;
// A start barrier, so the processes really claim at the same time instead of one draining the queue first.
writeFileSync(join(dataDir, `ready-${name}`), '');
// The parent opens the barrier within seconds; a child left waiting longer exits rather than lingers.
const barrierDeadline = Date.now() + 30_000;
while (!existsSync(join(dataDir, 'go'))) {
  if (Date.now() > barrierDeadline) throw new Error(`${name}: the start barrier never opened`);
  await new Promise((r) => setTimeout(r, 2));
}
const ran: number[] = [];
let idle = 0;
while (idle < 20) {
  const claimed = c.claim(worker, { max: 1 + (ran.length % 3) });
  if (claimed.length === 0) {
    idle++;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  idle = 0;
  for (const job of claimed) {
    ran.push(job.job.id);
    c.finish(job.job.id, { attempt: job.attempt, outcome: 'succeeded', exit_code: 0 });
  }
}
c.close();
process.stdout.write(JSON.stringify(ran));
