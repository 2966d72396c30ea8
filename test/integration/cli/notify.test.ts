import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyRule } from '../../../src/shared';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
});
afterAll(async () => {
  await t?.close();
});

/**
 * Each `gantry` here is a node process: about 0.3 s of CPU from the CLI bundle, 1 s from source (a
 * checkout edited since its last build), which took 4-10 s of wall time each at load 11. Eight of
 * them outran the 60 s default in full runs.
 */
const CLI_TEST_TIMEOUT_MS = 180_000;

describe('gantry notify', () => {
  it('adds, lists and removes rules, and shows the delivery log', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const added = await t.gantry(['notify', 'add', '--on', 'failure', '--webhook', 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX', '--format', 'slack']);
    expect(added.stderr).toBe('');
    const id = Number(stdoutText(added).trim());
    expect(id).toBeGreaterThan(0);

    const listed = JSON.parse(stdoutText(await t.gantry(['notify', 'ls', '--json']))) as NotifyRule[];
    expect(listed).toEqual([expect.objectContaining({ id, on: 'failure', project: null, format: 'slack', webhook: 'https://hooks.slack.com/services/T000/B000/XXXX…' })]);
    expect(stdoutText(await t.gantry(['notify']))).toMatch(new RegExp(`^\\s*${id}\\s+failure\\s+\\(all\\)\\s+slack\\s+https://hooks`, 'm'));
    expect(stdoutText(await t.gantry(['notify', 'log']))).toBe('nothing delivered yet\n');

    expect(stdoutText(await t.gantry(['notify', 'rm', String(id)]))).toBe(`rule ${id} removed\n`);
    expect(JSON.parse(stdoutText(await t.gantry(['notify', 'ls', '--json'])))).toEqual([]);
  });

  it('exits 2 on an unknown event and 3 when the API refuses the webhook, naming it', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const unknown = await t.gantry(['notify', 'add', '--on', 'meltdown', '--webhook', 'http://x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--on meltdown');
    const refused = await t.gantry(['notify', 'add', '--on', 'failure', '--webhook', 'file:///etc/passwd']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('webhook');
  });
});
