import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Suite } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
});
afterAll(async () => {
  await t?.close();
});

describe('gantry suite / suites', () => {
  // Each gantry call is a node process: under a loaded machine a dozen of them take minutes.
  it('creates a suite, submits and sweeps into it, shows its setup output and closes it', { timeout: 240_000 }, async () => {
    const created = await t.gantry(['suite', 'create', 'evals', '--setup', 'echo "prepared $GANTRY_SUITE_ID"', '--cleanup', 'true', '--tag', 'cli', '--hook-timeout', '30', '--label', 'team=nlp', '--label', 'query=a=b', '--json']);
    expect(created.stderr).toBe('');
    const suite = JSON.parse(stdoutText(created)) as Suite;
    expect(suite).toMatchObject({ name: 'evals', tags: ['cli'], labels: { team: 'nlp', query: 'a=b' }, setup: { command: { shell: 'echo "prepared $GANTRY_SUITE_ID"' }, timeout_s: 30 } });

    const submitted = JSON.parse(stdoutText(await t.gantry(['submit', '--suite', 'evals', '--json', '--', 'true']))) as Job;
    expect(submitted).toMatchObject({ suite: 'evals', suite_id: suite.id, requirements: { tags: ['cli'] } });
    const swept = await t.gantry(['sweep', 'echo {n}', '--param', 'n=1..3', '--suite', 'evals']);
    expect(swept.code).toBe(0);

    await t.startWorker({ tags: ['cli'] });
    await waitFor(() => t.coordinator.suites.get('evals').counts.succeeded === 4, 'the four jobs of the suite to succeed', 60_000);

    expect(stdoutText(await t.gantry(['suites']))).toMatch(/^\s*\d+\s+evals\s+open\s+4\/4\s+0\s+0\s+4\s+0\s+1\s/m);
    const shown = stdoutText(await t.gantry(['suites', 'show', 'evals']));
    expect(shown).toContain('4 total · 0 waiting · 0 queued · 0 running · 4 succeeded');
    expect(shown).toMatch(/setup\s+succeeded\s+0/);
    expect(shown).toContain('labels      team=nlp query=a=b');
    const run = t.coordinator.suites.hookRuns('evals')[0];
    expect(stdoutText(await t.gantry(['suites', 'show', 'evals', '--log', String(run.id)]))).toBe(`prepared ${suite.id}\n`);

    expect(stdoutText(await t.gantry(['suites', 'close', 'evals']))).toBe(`suite ${suite.id} evals closed; 0 jobs not yet started cancelled\n`);
    const refused = await t.gantry(['submit', '--suite', 'evals', '--', 'true']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('suite "evals" is closed');
  });

  it("keeps an explicit --priority 0 against the suite's, and closing cancels the jobs not yet started, saying how many", { timeout: 180_000 }, async () => {
    const suite = t.coordinator.suites.create({ name: 'later', priority: 5, tags: ['no-worker-has-this'] });
    const zero = JSON.parse(stdoutText(await t.gantry(['submit', '--suite', 'later', '--priority', '0', '--json', '--', 'true']))) as Job;
    const inherited = JSON.parse(stdoutText(await t.gantry(['submit', '--suite', 'later', '--json', '--', 'true']))) as Job;
    expect([zero.priority, inherited.priority]).toEqual([0, 5]);
    expect(stdoutText(await t.gantry(['suites', 'close', 'later']))).toBe(`suite ${suite.id} later closed; 2 jobs not yet started cancelled\n`);
    expect([zero, inherited].map((job) => t.coordinator.getJob(job.id).state)).toEqual(['cancelled', 'cancelled']);
    expect(t.coordinator.suites.get('later').counts).toMatchObject({ total: 2, queued: 0, cancelled: 2 });
  });

  it('uploads a local --input file as a dataset and pins it to the suite, as suites show says', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-cli-suite-input-'));
    try {
      writeFileSync(join(dir, 'notes.txt'), 'read me');
      const created = await t.gantry(['suite', 'create', 'withinput', '--input', join(dir, 'notes.txt'), '--json']);
      expect(created.stderr).toContain('uploaded');
      const suite = JSON.parse(stdoutText(created)) as Suite;
      expect(suite.inputs).toEqual([expect.objectContaining({ source: 'dataset:notes.txt', name: 'notes.txt', archive: null })]);
      expect(stdoutText(await t.gantry(['suites', 'show', 'withinput']))).toContain('inputs      dataset:notes.txt → notes.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --label without KEY=VALUE, naming the flag, and creates nothing', async () => {
    const refused = await t.gantry(['suite', 'create', 'nolabel', '--label', 'team']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--label.*expected KEY=VALUE, got "team"/);
    expect(t.coordinator.suites.list().some((s) => s.name === 'nolabel')).toBe(false);
  });
});
