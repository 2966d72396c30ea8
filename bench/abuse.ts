/**
 * `npm run bench -- abuse`: `/health` latency on a coordinator under each abuse issue 12 names,
 * one at a time: 1,000 parked claim long-polls from one worker while jobs arrive, 1,000 replaying
 * `subscribe` messages from one WebSocket, and a flood of bad tokens. Goal: health p99 under
 * 100 ms in each; the flood must leave a valid token working. The abusers share the server's
 * process and loopback, so the figures include their client-side cost too (a pessimistic bound).
 */
import WebSocket from 'ws';
import { createCoordinator } from '../src/core';
import { startServer } from '../src/server';
import type { FigureLog } from './lib/figures';
import { elapsedMs, percentile } from './lib/stats';
import { makeTempDir } from './lib/tempDir';

const PROBES = 300;
const PARKED_POLLS = 1_000;
const SUBSCRIBES = 1_000;
const BAD_TOKENS = 2_000;
/** Events in the log, so each `subscribe {after: 1}` has a real replay to ask for. */
const EVENTS = 5_000;

async function healthP99(url: string, during: () => void = () => undefined): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    if (i % 10 === 0) during();
    const start = performance.now();
    const response = await fetch(`${url}/api/v1/health`);
    await response.arrayBuffer();
    samples.push(elapsedMs(start));
  }
  return percentile(samples, 99);
}

export async function runAbuseBench(log: FigureLog): Promise<void> {
  const dir = makeTempDir('abuse');
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null });
  const server = await startServer({ coordinator, logger: false, authFailureLimits: { maxFailures: 20, windowMs: 60_000, blockMs: 60_000 } });
  try {
    const admin = coordinator.createToken({ name: 'bench-admin', scope: 'admin' }).token;
    const enrolment = coordinator.createToken({ name: 'bench-worker', scope: 'worker' }).token;
    log.record('abuse.health.idle.p99_ms', await healthP99(server.url), 'ms');

    // 1. Parked long-polls: one worker asks 1,000 times at once; jobs that fit nobody keep arriving.
    const worker = coordinator.registerWorker({ name: 'abuser', cpus: 1, memory_mb: 1 }, { enrolledBy: null });
    const credential = worker.credential as string;
    const polls = Array.from({ length: PARKED_POLLS }, () =>
      fetch(`${server.url}/api/v1/workers/${worker.id}/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body: JSON.stringify({ wait_ms: 60_000 }),
      }).then((r) => r.status, () => 0),
    );
    const submitUnfit = (): void => void coordinator.submit({ command: ['true'], requirements: { tags: ['nobody-has-this'] } });
    log.record('abuse.health.parked_polls.p99_ms', await healthP99(server.url, submitUnfit), 'ms');
    coordinator.deregisterWorker(worker.id);

    // 2. Replaying subscribes from one socket, over a log of EVENTS events.
    for (let i = 0; i < EVENTS; i += 1_000) coordinator.submitBatch(Array.from({ length: 1_000 }, () => ({ command: ['true'], requirements: { tags: ['nobody-has-this'] } })));
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/ws?token=${admin}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let refused = 0;
    socket.on('message', (data) => {
      if (String(data).includes('"type":"error"')) refused++;
    });
    for (let i = 0; i < SUBSCRIBES; i++) socket.send(JSON.stringify({ type: 'subscribe', after: 1 }));
    log.record('abuse.health.subscribes.p99_ms', await healthP99(server.url), 'ms');
    log.record('abuse.subscribes.refused', refused, 'messages');
    socket.close();

    // 3. A bad-token flood from one address, then the valid token from the same address.
    const flood = Array.from({ length: BAD_TOKENS }, (_, i) => fetch(`${server.url}/api/v1/jobs`, { headers: { authorization: `Bearer gantry_bad-${i}` } }).then((r) => r.status, () => 0));
    log.record('abuse.health.bad_tokens.p99_ms', await healthP99(server.url), 'ms');
    const statuses = await Promise.all(flood);
    log.record('abuse.bad_tokens.answered_429', statuses.filter((s) => s === 429).length, 'requests');
    const valid = await fetch(`${server.url}/api/v1/jobs?limit=1`, { headers: { authorization: `Bearer ${admin}` } });
    log.record('abuse.bad_tokens.valid_token_status', valid.status, 'http');
    const enrol = await fetch(`${server.url}/api/v1/workers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${enrolment}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'after-flood', cpus: 1, memory_mb: 1 }),
    });
    log.record('abuse.bad_tokens.enrolment_status', enrol.status, 'http');
    const pollStatuses = await Promise.all(polls);
    log.record('abuse.parked_polls.refused_429', pollStatuses.filter((s) => s === 429).length, 'requests');
  } finally {
    await server.close();
    coordinator.close();
    dir.remove();
  }
}
