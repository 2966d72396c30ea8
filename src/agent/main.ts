/**
 * Entry of the agent (and of its bundle, out/agent/gantry-agent.js): the agent itself; `relay …`, a
 * Slurm login node's relay (see relay/relayMain); or, run with SPAWN_HELPER_ARG by the agent, its
 * spawn helper. Each part is imported only when it runs, so the helper process loads none of the
 * agent and stays small (that is its point: see runSpawnHelper).
 */
import { SPAWN_HELPER_ARG } from './jobs/spawnHelper/spawnHelperProtocol';

const fail = (error: unknown): never => {
  process.stderr.write(`gantry-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
};

if (process.argv[2] === SPAWN_HELPER_ARG) {
  import('./jobs/spawnHelper/runSpawnHelper').then(({ runSpawnHelper }) => runSpawnHelper(), fail);
} else if (process.argv[2] === 'relay') {
  import('./relay/relayMain').then(({ relayMain }) => relayMain(process.argv.slice(3))).catch(fail);
} else {
  import('./agentCli').then(({ runAgentCli }) => runAgentCli()).catch(fail);
}
