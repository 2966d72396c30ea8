/**
 * `npm run bench -- ssh`: a host on loopback served by a real sshd (the tests' throwaway one).
 * Figures: seconds `hosts up` takes and seconds from calling it to the host's worker online, on a
 * fresh host (probe, agent upload, start) and again with the agent already installed.
 */
import { startProvisionHarness, killAgentUnder } from '../test/integration/provision/support/provisionHarness';
import { startSshd } from '../test/integration/provision/support/sshd';
import type { FigureLog } from './lib/figures';

async function secondsUntilOnline(check: () => boolean, started: number): Promise<number> {
  const deadline = started + 60_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('the host worker did not come online within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return (performance.now() - started) / 1000;
}

export async function runSshBench(log: FigureLog): Promise<void> {
  const [h, sshd] = await Promise.all([startProvisionHarness(), startSshd()]);
  try {
    const added = await h.hosts.add(h.hostSpec('bench', sshd));
    h.coordinator.hosts.trustKey(added.presented_key!.host, added.presented_key!.port, added.presented_key!.key_type, added.presented_key!.fingerprint);
    const online = () => h.coordinator.hosts.get('bench').state === 'online';

    let started = performance.now();
    await h.hosts.up('bench');
    log.record('ssh.up_call_fresh', (performance.now() - started) / 1000, 's');
    log.record('ssh.up_to_worker_online_fresh', await secondsUntilOnline(online, started), 's');

    await h.hosts.down('bench', { now: true });
    started = performance.now();
    await h.hosts.up('bench');
    log.record('ssh.up_call_installed', (performance.now() - started) / 1000, 's');
    log.record('ssh.up_to_worker_online_installed', await secondsUntilOnline(online, started), 's');
  } finally {
    killAgentUnder(sshd.home);
    await h.close();
    await sshd.stop();
  }
}
