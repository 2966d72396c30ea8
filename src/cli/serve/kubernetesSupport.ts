import type { KubernetesSupport } from '../../server';

/**
 * GANTRY_K8S_POLL_MS: how often a bridge worker reads its Kubernetes Jobs' state (default 2000);
 * tests shorten it.
 */
function pollMsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.GANTRY_K8S_POLL_MS;
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 100) throw new Error(`GANTRY_K8S_POLL_MS: expected whole milliseconds, 100 or more, not "${text}"`);
  return ms;
}

/** Kubernetes clusters' bridge workers in this process; the agent layer loads on first use, so a server without clusters never pays for it. */
export function lazyKubernetesSupport(options: { dataDir: string; token: string; quiet: boolean; env: NodeJS.ProcessEnv; agentBundle: string }): KubernetesSupport {
  const pollMs = pollMsFromEnv(options.env);
  let support: Promise<ReturnType<typeof import('../../agent').kubernetesHostSupport>> | undefined;
  const load = () =>
    (support ??= import('../../agent').then(({ kubernetesHostSupport, stderrLogger }) =>
      kubernetesHostSupport({ dataDir: options.dataDir, token: options.token, logger: stderrLogger({ quiet: options.quiet }), pollMs, agentBundle: options.agentBundle }),
    ));
  return {
    checkAccess: async (cluster) => (await load()).checkAccess(cluster),
    launchBridge: async (cluster, url) => (await load()).launchBridge(cluster, url),
    applyPilots: async (cluster, count, token) => (await load()).applyPilots(cluster, count, token),
    pilotPollMs: pollMs === undefined ? undefined : Math.max(pollMs, 500),
  };
}
