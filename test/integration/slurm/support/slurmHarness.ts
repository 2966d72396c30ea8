import { writeFileSync } from 'node:fs';
import type { SlurmCluster } from '../../../../src/shared';
import { createSlurmService, type SlurmService } from '../../../../src/provision';
import { waitFor } from '../../../support/waitFor';
import { ensureAgentBundle, startProvisionHarness, type ProvisionHarness } from '../../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../../support/sshd';
import { startSlurm, type TestSlurm } from './slurmCluster';

/** A coordinator with its server, a real Slurm, and the test sshd as the cluster's login node. */
export interface SlurmHarness {
  h: ProvisionHarness;
  slurm: TestSlurm;
  login: TestSshd;
  service: SlurmService;
  /** The cluster's pilots once `check` holds for them. */
  waitForPilots(cluster: string, check: (c: SlurmCluster) => boolean, what: string, timeoutMs?: number): Promise<SlurmCluster>;
  close(): Promise<void>;
}

/** Starts everything; the login node is a host of the inventory (its key trusted through known_hosts), with no agent of its own. */
export async function startSlurmHarness(options: { pollMs?: number } = {}): Promise<SlurmHarness> {
  const slurm = await startSlurm();
  const [h, login] = await Promise.all([startProvisionHarness(), startSshd({ env: slurm.env })]);
  writeFileSync(h.knownHosts, `[${login.host}]:${login.port} ${login.hostKeyLine}\n`);
  h.coordinator.hosts.save({ name: 'login', ssh: { user: login.user, host: login.host, port: login.port }, identity_file: login.identityFile });
  const service = createSlurmService({
    coordinator: h.coordinator,
    secrets: h.secrets,
    localUrl: () => h.server.url,
    agentBundle: ensureAgentBundle(),
    knownHostsFiles: [h.knownHosts],
    agentSocket: null,
    nodeCacheDir: null,
    pollMs: options.pollMs ?? 300,
  });
  return {
    h,
    slurm,
    login,
    service,
    async waitForPilots(cluster, check, what, timeoutMs = 60_000) {
      return waitFor(() => {
        const c = service.get(cluster);
        return check(c) && c;
      }, what, timeoutMs);
    },
    async close() {
      service.close();
      await slurm.stop();
      await h.close();
      await login.stop();
    },
  };
}
