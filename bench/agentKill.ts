/**
 * `npm run bench -- agent-kill [--jobs N] [--reps N]`: the CPU of the agent's `killGroup` at a job's
 * end, where the job's process group is nearly always gone already (ESRCH), against the documented
 * `process.kill` in a try/catch (no stack trace captured, as killGroup's own fallback does it).
 * Measured where the agent calls it, in a child's 'exit' handler, not in a tight loop: there a
 * warm loop makes the thrown error look ~10× cheaper than it is between real jobs. Jobs (`true`,
 * detached, two pipes, two at a time) take the variants in turn, so both see the same machine
 * load; each call is timed with `process.cpuUsage`, whose own cost is the `floor` figure.
 * The bench process takes the agent's V8 flags first (`--no-opt`), as the agent runs under them.
 */
import { spawn } from 'node:child_process';
import { applyAgentV8Flags } from '../src/agent/memory/agentV8Flags';
import { killGroup } from '../src/agent/jobs/jobProcessEvents';
import type { FigureLog } from './lib/figures';
import { DEFAULT_JOBS } from './lib/args';
import { spreadOf } from './lib/repeat';

const JOBS_PER_REP = 2000;
/** The first jobs of each variant warm node's spawn path and the variant's code; not counted. */
const WARM_UP_JOBS_PER_VARIANT = 50;

/** What the agent did before `_kill`: process.kill, its expected ESRCH caught without a stack trace. */
function documentedKillGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

const VARIANTS: Record<string, (pid: number | undefined, signal: NodeJS.Signals) => void> = {
  floor: () => undefined,
  kill_group: killGroup,
  process_kill: documentedKillGroup,
};

/** Runs `jobs` jobs two at a time; at each one's exit the next variant in turn kills its group, timed. */
async function timeKillsAtJobEnds(jobs: number): Promise<Map<string, number[]>> {
  const names = Object.keys(VARIANTS);
  const costs = new Map(names.map((name) => [name, [] as number[]]));
  let finished = 0;
  await new Promise<void>((resolve, reject) => {
    const start = (index: number): void => {
      const child = spawn('true', [], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.on('error', reject);
      child.on('exit', () => {
        const name = names[index % names.length];
        const before = process.cpuUsage();
        VARIANTS[name](child.pid, 'SIGKILL');
        const spent = process.cpuUsage(before);
        if (index >= WARM_UP_JOBS_PER_VARIANT * names.length) costs.get(name)?.push(spent.user + spent.system);
      });
      child.on('close', () => {
        finished += 1;
        if (finished === jobs) resolve();
        else if (index + 2 < jobs) start(index + 2);
      });
    };
    start(0);
    start(1);
  });
  return costs;
}

export async function runAgentKillBench(log: FigureLog, jobs: number, reps: number): Promise<void> {
  applyAgentV8Flags();
  const perRep = jobs === DEFAULT_JOBS ? JOBS_PER_REP : jobs;
  log.record('agent_kill.jobs_per_rep', perRep, 'jobs');
  const medians = new Map<string, number[]>();
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, samples] of await timeKillsAtJobEnds(perRep)) {
      medians.set(name, [...(medians.get(name) ?? []), spreadOf(samples).median]);
    }
  }
  for (const [name, samples] of medians) {
    const spread = spreadOf(samples);
    log.record(`agent_kill.${name}.cpu_us`, spread.median, 'µs');
    log.record(`agent_kill.${name}.cpu_us.min`, spread.min, 'µs');
    log.record(`agent_kill.${name}.cpu_us.max`, spread.max, 'µs');
  }
}
