import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../../src/core';
import { waitFor } from '../../support/waitFor';
import { runGantry, stdoutText } from '../cli/harness';
import { killAgentUnder, startHostsServer, type HostsServer } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

const CHECK_SCRIPT = `#!/bin/sh
echo "job $1 sees $(cat data.txt) and $(cat sub/nested.txt)"
for f in build app.log secret.env sub/local.tmp .git; do [ -e "$f" ] && echo "LEAKED $f"; done
echo "cwd $(pwd)"
`;

/** A work directory with files each ignore rule must keep out, and a script the jobs run from their copy. */
function makeWorkDir(root: string): string {
  const dir = join(root, 'project');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  mkdirSync(join(dir, 'build'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'data.txt'), 'the data');
  writeFileSync(join(dir, 'sub', 'nested.txt'), 'nested');
  writeFileSync(join(dir, 'check.sh'), CHECK_SCRIPT);
  chmodSync(join(dir, 'check.sh'), 0o755);
  writeFileSync(join(dir, '.gitignore'), '*.log\nbuild/\n');
  writeFileSync(join(dir, '.gantryignore'), 'secret.env\n');
  writeFileSync(join(dir, 'sub', '.gitignore'), 'local.tmp\n');
  writeFileSync(join(dir, 'app.log'), 'noise');
  writeFileSync(join(dir, 'secret.env'), 'TOKEN=x');
  writeFileSync(join(dir, 'build', 'out.bin'), 'built');
  writeFileSync(join(dir, 'sub', 'local.tmp'), 'scratch');
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main');
  return dir;
}

describe('gantry submit/sweep --sync DIR --host NAME', () => {
  let sshd: TestSshd;
  let hs: HostsServer;
  let coordinator: Coordinator;
  let dataDir: string;
  let workDir: string;
  let env: NodeJS.ProcessEnv;
  const gantry = (args: string[]) => runGantry(args, env);
  /**
   * The copies on the host. A partial copy (`….partial.PID`) is not one: an upload stopped because
   * the host turned out to have the tree may leave it if the host had unpacked it all already, and
   * pruning removes it once its process is gone.
   */
  const syncRoot = (): string[] => readdirSync(join(sshd.home, '.gantry', 'sync')).filter((name) => !name.includes('.partial.')).sort();

  beforeAll(async () => {
    sshd = await startSshd();
    hs = await startHostsServer({ prefix: 'gantry-sync-', trusted: [sshd] });
    ({ coordinator, dataDir, env } = hs);
    workDir = makeWorkDir(dataDir);
    const added = await gantry(['hosts', 'add', 'box', '--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`, '--identity', sshd.identityFile, '--max-jobs', '4']);
    expect(added.code, added.stderr).toBe(0);
    await waitFor(() => coordinator.hosts.get('box').state === 'online', 'box online', 60_000);
  }, 120_000);
  afterAll(async () => {
    if (sshd) killAgentUnder(sshd.home);
    await hs?.close();
    await sshd?.stop();
  });

  const finished = (ids: number[]) =>
    waitFor(() => {
      const jobs = ids.map((id) => coordinator.getJob(id));
      return jobs.every((j) => ['succeeded', 'failed', 'cancelled', 'blocked'].includes(j.state)) ? jobs : null;
    }, `${ids.length} jobs to finish`, 150_000);

  it('uploads the directory once for a 20-job sweep, and every job runs in the copy without the ignored files', async () => {
    const swept = await gantry(['sweep', './check.sh {i}', '--param', 'i=1..20', '--host', 'box', '--sync', workDir, '--json']);
    expect(swept.code, swept.stderr).toBe(0);
    expect(swept.stderr).toMatch(new RegExp(`synced ${workDir} to box:${sshd.home}/\\.gantry/sync/sha256-\\w+ \\(6 files,`));
    const [hash] = syncRoot();
    expect(syncRoot()).toEqual([hash]);
    const ids = (JSON.parse(stdoutText(swept)) as { jobs: Array<{ id: number }> }).jobs.map((j) => j.id);
    expect(ids).toHaveLength(20);
    const jobs = await finished(ids);
    for (const job of jobs) {
      expect(job.state).toBe('succeeded');
      expect(job.cwd).toBe(`~/.gantry/sync/${hash}`);
      const log = coordinator.readLog(job.id, 1).data.toString();
      expect(log).toContain(`sees the data and nested`);
      expect(log).toContain(`cwd ${sshd.home}/.gantry/sync/${hash}`);
      expect(log).not.toContain('LEAKED');
    }
  }, 180_000);

  it('sends nothing when the same content is synced again, and a new copy when a file changes', async () => {
    const before = syncRoot();
    const again = await gantry(['submit', '--host', 'box', '--sync', workDir, '--', './check.sh', 'again']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/is already on box \(sha256-\w+, 6 files/);
    expect(syncRoot()).toEqual(before);
    const [job] = await finished([Number(stdoutText(again).trim())]);
    expect(job.state).toBe('succeeded');

    writeFileSync(join(workDir, 'app.log'), 'ignored files do not change the content address');
    expect((await gantry(['submit', '--host', 'box', '--sync', workDir, '--', 'true'])).stderr).toMatch(/is already on box/);
    writeFileSync(join(workDir, 'data.txt'), 'new data');
    const changed = await gantry(['submit', '--host', 'box', '--sync', workDir, '--', './check.sh', 'changed']);
    expect(changed.stderr).toMatch(/synced /);
    expect(syncRoot()).toHaveLength(2);
    const [rerun] = await finished([Number(stdoutText(changed).trim())]);
    expect(coordinator.readLog(rerun.id, 1).data.toString()).toContain('sees new data');
  }, 180_000);

  it('refuses --sync with --cwd, and a directory the coordinator cannot see, naming the field', async () => {
    const withCwd = await gantry(['submit', '--sync', workDir, '--cwd', dataDir, '--', 'true']);
    expect(withCwd.code).toBe(2);
    expect(withCwd.stderr).toMatch(/--sync and --cwd/);
    const notThere = await gantry(['submit', '--sync', join(dataDir, 'nope'), '--', 'true']);
    expect(notThere.code).toBe(3);
    expect(notThere.stderr).toMatch(/does not exist on the coordinator's machine.*\(field: dir\)/);
    const missing = await gantry(['submit', '--host', 'box', '--sync', join(dataDir, 'nope'), '--', 'true']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/does not exist on the coordinator's machine.*\(field: dir\)/);
  });
});
