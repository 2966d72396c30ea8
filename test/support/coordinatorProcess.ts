// A coordinator + server in a child process, so tests can SIGKILL and restart it.
// argv: dataDir port; env GANTRY_TEST_LEASE_TTL_MS shortens leases. Prints {"url","token"} once listening.
import { createCoordinator } from '../../src/core';
import { ensureAdminToken, startServer } from '../../src/server';

const [dataDir, port] = process.argv.slice(2);
const leaseTtlMs = Number(process.env.GANTRY_TEST_LEASE_TTL_MS ?? 30_000);
const coordinator = createCoordinator({ dataDir, leaseTtlMs, workerTimeoutMs: leaseTtlMs * 1.5, restartGraceMs: leaseTtlMs, sweepIntervalMs: 200 });
const { token } = ensureAdminToken(coordinator, dataDir);
const server = await startServer({ coordinator, port: Number(port), logger: false });
process.stdout.write(`${JSON.stringify({ url: server.url, token })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => {
    coordinator.close();
    process.exit(0);
  });
});
