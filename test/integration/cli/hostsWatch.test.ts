import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { REPO_ROOT, startTestCoordinator, type TestCoordinator } from './harness';

/** `gantry hosts ls --watch …` left running, with what it printed so far. */
function watch(t: TestCoordinator, extra: string[] = []): { child: ChildProcessWithoutNullStreams; out: () => string } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gantry.js'), 'hosts', 'ls', '--watch', ...extra], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...t.env },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, out: () => out };
}

describe('gantry hosts ls --watch', () => {
  let t: TestCoordinator;
  const children: ChildProcessWithoutNullStreams[] = [];
  beforeAll(async () => {
    t = await startTestCoordinator();
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await t?.close();
  });

  it('prints the table, then a line per host change as it happens', async () => {
    const w = watch(t);
    children.push(w.child);
    await waitFor(() => w.out().includes('no hosts'), 'the empty table');
    t.coordinator.hosts.save({ name: 'box', ssh: { user: 'me', host: '10.0.0.7', port: 2222 } });
    t.coordinator.hosts.update('box', { state: 'unreachable', error: 'connect ECONNREFUSED 10.0.0.7:2222' });
    t.coordinator.hosts.remove('box');
    await waitFor(() => w.out().includes('box  removed'), 'the removal line');
    const lines = w.out().split('\n').slice(1).filter(Boolean);
    expect(lines.map((line) => line.replace(/^\d\d:\d\d:\d\d {2}/, ''))).toEqual(['box  added (ready)', 'box  unreachable  connect ECONNREFUSED 10.0.0.7:2222', 'box  removed']);
  });

  it('with --json prints the list on one line, then each host event as a JSON line', async () => {
    t.coordinator.hosts.save({ name: 'gpu1', ssh: { user: 'me', host: '10.0.0.8', port: 22 } });
    const w = watch(t, ['--json']);
    children.push(w.child);
    await waitFor(() => w.out().includes('\n'), 'the list line');
    t.coordinator.hosts.update('gpu1', { state: 'bootstrapping' });
    await waitFor(() => w.out().split('\n').filter(Boolean).length >= 2, 'an event line');
    const [list, event] = w.out().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(list).toMatchObject([{ name: 'gpu1', state: 'ready' }]);
    expect(event).toMatchObject({ type: 'host.state', data: { name: 'gpu1', previous_state: 'ready', host: { state: 'bootstrapping' } } });
  });
});
