/**
 * The spawn helper's side: a small process the agent starts once, which starts every job for it.
 * fork() copies the page tables of the process that calls it, so a spawn costs more the larger the
 * caller's resident set; the agent (HTTP client, schemas, spool) is several times larger than this
 * process, which loads nothing but child_process. It lives exactly as long as its IPC channel: when
 * the agent exits, however it exits, the helper goes too (running jobs stay detached, as they would
 * have without it, for the next agent start to reap).
 */
import type { JobProcess } from '../jobProcess';
import { spawnPipedJob } from '../spawnPipedJob';
import { RelayFlow } from './relayFlow';
import type { HelperEvent, HelperRequest } from './spawnHelperProtocol';

export function runSpawnHelper(): void {
  const jobs = new Map<number, { job: JobProcess; flow: RelayFlow }>();
  const send = (event: HelperEvent): void => void process.send?.(event);
  // Terminal and scheduler signals are the agent's to handle: it stops the jobs through this
  // process, so this process must outlive the signal (it leaves when the agent disconnects).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: HelperRequest) => {
    if (request.op === 'kill') return jobs.get(request.id)?.job.kill(request.signal);
    if (request.op === 'pause') return jobs.get(request.id)?.flow.pause();
    if (request.op === 'resume') return jobs.get(request.id)?.flow.resume();
    if (request.op === 'ack') return jobs.get(request.id)?.flow.acked(request.bytes);
    const { id, argv, cwd, env } = request;
    const job = spawnPipedJob({ argv, cwd, env });
    const flow = new RelayFlow(job);
    jobs.set(id, { job, flow });
    send({ ev: 'spawned', id, pid: job.pid });
    job.onData((stream, bytes) => {
      send({ ev: 'data', id, stream, bytes });
      flow.sent(bytes.length);
    });
    job.onExit(({ code, signal, error }) => {
      jobs.delete(id);
      send({ ev: 'exit', id, code, signal, error: error && { message: error.message, code: (error as NodeJS.ErrnoException).code } });
    });
  });
}
