import { spawn } from 'node:child_process';
import type { JobProcess, JobProcessSpec } from './jobProcess';
import { JobProcessEvents, killGroup } from './jobProcessEvents';

const ORPHAN_PIPE_WAIT_MS = 5_000;

/** Starts a job with stdout and stderr on pipes, detached into its own process group. */
export function spawnPipedJob(spec: JobProcessSpec): JobProcess {
  const [file, ...args] = spec.argv;
  const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const events = new JobProcessEvents();
  // A pipe at its end is done with: destroyed at once. Left to net.Socket, it would first half-close
  // the write side it also has (a child's output pipe is a duplex socket that nobody writes to): a
  // shutdown(2), an event-loop turn and the writable side's finish per pipe, twice a job.
  for (const pipe of [child.stdout, child.stderr]) pipe.once('end', () => pipe.destroy());
  child.stdout.on('data', (bytes: Buffer) => events.data('stdout', bytes));
  child.stderr.on('data', (bytes: Buffer) => events.data('stderr', bytes));
  child.on('error', (error) => {
    if (child.pid === undefined) events.ended({ code: null, signal: null, error });
  });
  let leaderExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let orphanWait: NodeJS.Timeout | undefined;
  child.on('exit', (code, signal) => {
    leaderExit = { code, signal };
    // What the leader left in the pipes is at most their capacity: read it now, or the orphan wait
    // below would destroy it unread while the agent's outbox is congested. (Node's child_process
    // resumes them at the exit as well; the wait below depends on it, so it is not left implicit.)
    child.stdout.resume();
    child.stderr.resume();
    // The job ends with its leader. Leftovers in its group (a forgotten `cmd &`) would keep the pipes
    // open and the attempt running forever, so they go with it.
    killGroup(child.pid, 'SIGKILL');
    // A grandchild that left the group (setsid) may still hold the pipes; stop waiting for it.
    orphanWait = setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      events.ended({ code, signal });
    }, ORPHAN_PIPE_WAIT_MS).unref();
  });
  // 'close' comes after both pipes drained, so every byte is delivered before the exit.
  child.on('close', (code, signal) => {
    // Cleared so the child and its pipes are not held for the wait after they closed (thousands at a high job rate).
    clearTimeout(orphanWait);
    const result = leaderExit ?? { code, signal };
    events.ended({ code: result.code, signal: result.signal });
  });
  const flow = (read: boolean): void => {
    if (leaderExit) return;
    for (const pipe of [child.stdout, child.stderr]) {
      if (read) pipe.resume();
      else pipe.pause();
    }
  };
  return { ...events.handle(child.pid), pause: () => flow(false), resume: () => flow(true) };
}
