import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPipedJob } from '../../../../src/agent/jobs/spawnPipedJob';
import { silentLogger } from '../../../../src/agent/logger';
import type { OutboxItem } from '../../../../src/agent/spool/outboxItem';
import { SuiteEnvironments } from '../../../../src/agent/suites/suiteEnvironments';
import type { ClaimedJob, ClaimedSuite, GantryClient, HookReport } from '../../../../src/shared';
import { waitFor } from '../../../support/waitFor';
import { makeClaimed } from '../jobs/claimedJob';

const suite: ClaimedSuite = { id: 7, name: 'evals', setup: { command: ['false'], timeout_s: 30, env: {} }, cleanup: null };
const claimedOf = (jobId: number, attempt: number): ClaimedJob => ({ ...makeClaimed({ id: jobId, command: ['true'] }, attempt), suite });

/**
 * The coordinator's side of the hook reports: it records each, and holds the reply to the first
 * until `answerFirst()`, as a busy server or link would.
 */
function reportingCoordinator() {
  const reports: HookReport[] = [];
  let answerFirst = (): void => undefined;
  const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
  const call = async (route: string, request: { body: HookReport }): Promise<Record<string, never>> => {
    if (route !== 'reportSuiteHook') throw new Error(`unexpected call ${route}`);
    reports.push(request.body);
    if (reports.length === 1) await firstAnswered;
    return {};
  };
  // SuiteEnvironments calls only reportSuiteHook (and workerSuites from poll(), not used here).
  return { reports, answerFirst: () => answerFirst(), client: { call } as unknown as GantryClient };
}

describe('SuiteEnvironments', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('hands back a job claimed again while its failed setup is still being reported: a new setup runs for it', async () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-suite-envs-'));
    const coordinator = reportingCoordinator();
    const outbox: OutboxItem[] = [];
    const envs = new SuiteEnvironments({
      root, client: coordinator.client, workerId: () => 'w1', spawnJob: spawnPipedJob, baseEnv: () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin' }),
      killGraceMs: 100, outbox: { push: (item) => outbox.push(item) }, logger: silentLogger,
    });

    const first = envs.enter(claimedOf(1, 1));
    await waitFor(() => coordinator.reports.length === 1, 'the failed setup to be reported');
    // The coordinator took the hand-back and sent the job again before its reply came here.
    const again = envs.enter(claimedOf(1, 2));
    coordinator.answerFirst();

    expect(await first).toBe(false);
    expect(await again).toBe(false);
    // Every attempt enter() gave up on reached the coordinator as handed back: none is held here forever.
    expect(coordinator.reports.map((r) => [r.hook, r.outcome, r.handed_back])).toEqual([
      ['setup', 'failed', [{ job_id: 1, attempt: 1 }]],
      ['setup', 'failed', [{ job_id: 1, attempt: 2 }]],
    ]);
    expect(outbox).toEqual([]);
  });
});
