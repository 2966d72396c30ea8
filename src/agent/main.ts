/**
 * Entry of the agent (and of its bundle, out/agent/gantry-agent.js): the agent itself; `relay …`, a
 * Slurm login node's relay (see relay/relayMain); or, run with SPAWN_HELPER_ARG by an agent running
 * from source, its spawn helper (the bundle starts its helper from a source of its own instead).
 * The agent and the relay are imported statically: a dynamic import makes esbuild wrap the modules
 * it reaches, and wrapped modules are not tree-shaken, which would bring all of zod and the shared
 * schemas back into the agent (see scripts/build-agent.mjs).
 */
import { runAgentCli } from './agentCli';
import { SPAWN_HELPER_ARG } from './jobs/spawnHelper/spawnHelperProtocol';
import { relayMain } from './relay/relayMain';

const fail = (error: unknown): never => {
  process.stderr.write(`gantry-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
};

if (process.argv[2] === SPAWN_HELPER_ARG) {
  import('./jobs/spawnHelper/runSpawnHelper').then(({ runSpawnHelper }) => runSpawnHelper(), fail);
} else if (process.argv[2] === 'relay') {
  relayMain(process.argv.slice(3)).catch(fail);
} else {
  runAgentCli().catch(fail);
}
