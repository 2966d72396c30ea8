import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GantryClient } from '../../src/shared';
import { exited } from '../lib/childProcess';
import { claimTiming, monotonicMs, type ClaimTiming } from './claimTiming';
import { sleep } from './gantryCluster';

export interface ClaimSamples {
  /** Each claim's round trip as the probe saw it, cut into its parts by the server's Server-Timing header. */
  claims: ClaimTiming[];
  jobsTaken: number;
  /** How late the probe's own event loop ran, p95 over the run, in ms (its process's share of the wait). */
  probeLoopDelayP95Ms: number;
}

export interface ClaimProbe {
  /** Stops probing; resolves with every claim it timed and how many jobs it took. */
  stop(): Promise<ClaimSamples>;
}

/** Rare enough that the probe takes a few percent of the jobs at most. */
const PROBE_INTERVAL_MS = 100;
const HEARTBEAT_MS = 3_000;

/**
 * Claim latency as an agent sees it, measured from outside the server: one more worker that
 * every 100 ms times `POST /workers/:id/claim` (max 1, no long-poll wait) on its own keep-alive
 * connection, and finishes any job it gets at once without running it (reported, and left
 * out of the agents' throughput). The agents' own claims long-poll, so their round trips
 * measure waiting, not the claim. The server's Server-Timing header cuts each round trip into
 * its parts (./claimTiming.ts).
 */
export async function startClaimProbe(url: string, workerToken: string): Promise<ClaimProbe> {
  const enrolment = new GantryClient({ baseUrl: url, token: workerToken });
  const worker = await enrolment.call('registerWorker', { body: { name: 'bench-claim-probe', cpus: 1, memory_mb: 1024 } });
  const client = new GantryClient({ baseUrl: url, token: worker.credential });
  const claims: ClaimTiming[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let jobsTaken = 0;
  let running = true;
  let lastBeat = performance.now();
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      const sentAt = monotonicMs();
      const response = await client.request('claim', { params: { id: worker.id }, body: { max: 1, wait_ms: 0 } });
      const { jobs } = (await response.json()) as { jobs: Array<{ job: { id: number }; attempt: number }> };
      claims.push(claimTiming(sentAt, monotonicMs() - sentAt, response.headers.get('server-timing')));
      for (const claimed of jobs) {
        await client.call('finishJob', { params: { id: claimed.job.id }, body: { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 } });
        jobsTaken++;
      }
      if (performance.now() - lastBeat > HEARTBEAT_MS) {
        await client.call('heartbeat', { params: { id: worker.id }, body: {} });
        lastBeat = performance.now();
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  })().catch((error: unknown) => {
    // Kept for stop() to throw: failing here, mid-run, would leave the server and agents running.
    failure = error;
  });
  return {
    async stop() {
      running = false;
      await loop;
      loopDelay.disable();
      if (failure) throw failure;
      await client.call('deregisterWorker', { params: { id: worker.id } });
      return { claims, jobsTaken, probeLoopDelayP95Ms: loopDelay.percentile(95) / 1e6 };
    },
  };
}

const PROBE_CHILD = fileURLToPath(new URL('./claimProbeChild.mjs', import.meta.url));

/**
 * The same probe as a small Node process of its own (bench/e2e/claimProbeChild.mjs), as an agent is:
 * the in-bench probe shares the benchmark's event loop and its tsx loader, the child shares nothing.
 * Every other claim of the child goes over the agent channel, as the agents' calls do (`channelMs`:
 * their round trips); the others over HTTP, timed in their parts.
 */
export async function startOwnProcessClaimProbe(
  url: string,
  workerToken: string,
): Promise<{ stop(): Promise<{ claims: ClaimTiming[]; channelMs: number[]; jobsTaken: number }> }> {
  const enrolment = new GantryClient({ baseUrl: url, token: workerToken });
  const worker = await enrolment.call('registerWorker', { body: { name: 'bench-claim-probe-own-process', cpus: 1, memory_mb: 1024 } });
  const channelArgs = worker.channel ? [worker.channel] : [];
  const child = spawn(process.execPath, [PROBE_CHILD, url, worker.id, worker.credential, ...channelArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    async stop() {
      child.stdin.end();
      const code = await exited(child);
      if (code !== 0) throw new Error(`the claim probe process exited with ${code}`);
      await new GantryClient({ baseUrl: url, token: worker.credential }).call('deregisterWorker', { params: { id: worker.id } });
      type Output = { samples: Array<[sentAtMs: number, roundTripMs: number, serverTiming: string | null]>; channelMs: number[]; jobsTaken: number };
      const { samples, channelMs, jobsTaken } = JSON.parse(output) as Output;
      return { claims: samples.map(([sentAt, roundTrip, header]) => claimTiming(sentAt, roundTrip, header)), channelMs, jobsTaken };
    },
  };
}
