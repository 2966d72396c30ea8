import { join } from 'node:path';

/**
 * The agent bundle the app installs on SSH hosts: electron-builder copies it to
 * resources/agent/gantry-agent.js (extraResources); `npm run dev` uses the checkout's
 * out/agent build. GANTRY_AGENT_BUNDLE still wins, as it does for `gantry serve`.
 */
export function agentBundlePath(options: { packaged: boolean; resourcesPath: string; appPath: string; env: NodeJS.ProcessEnv }): string {
  if (options.env.GANTRY_AGENT_BUNDLE) return options.env.GANTRY_AGENT_BUNDLE;
  return options.packaged ? join(options.resourcesPath, 'agent', 'gantry-agent.js') : join(options.appPath, 'out', 'agent', 'gantry-agent.js');
}
