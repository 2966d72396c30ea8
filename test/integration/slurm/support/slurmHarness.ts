import { writeFileSync } from 'node:fs';
import type { SlurmCluster } from '../../../../src/shared';
import type { SlurmService } from '../../../../src/provision';
import { waitFor } from '../../../support/waitFor';
import { startProvisionHarness, type ProvisionHarness } from '../../../support/provisionHarness';
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
  const [h, login] = await Promise.all([startProvisionHarness({}, { pollMs: options.pollMs }), startSshd({ env: slurm.env })]);
  writeFileSync(h.knownHosts, `[${login.host}]:${login.port} ${login.hostKeyLine}\n`);
  h.coordinator.hosts.save({ name: 'login', ssh: { user: login.user, host: login.host, port: login.port }, identity_file: login.identityFile });
  // The server's own: the routes and the test drive one launcher (see ProvisionHarness.slurm).
  const service = h.slurm;
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
