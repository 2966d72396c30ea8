import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The agent file this coordinator installs on hosts, and the version its content names. */
export interface AgentBundle {
  path: string;
  data: Buffer;
  sha256: string;
  /** `sha256-<12 hex>`: two bundles with one version string but other code still differ. */
  version: string;
}

/**
 * The bundle when the caller named none: GANTRY_AGENT_BUNDLE. `gantry serve` passes its package's
 * out/agent/gantry-agent.js and the desktop app its resources/agent copy; code here cannot find it
 * from its own location, which moves when the CLI or the app is bundled.
 */
export function defaultAgentBundlePath(): string {
  const path = process.env.GANTRY_AGENT_BUNDLE;
  if (!path) throw new Error('no agent bundle to install: set GANTRY_AGENT_BUNDLE to a gantry-agent.js (npm run build:agent makes out/agent/gantry-agent.js)');
  return path;
}

export function loadAgentBundle(path: string): AgentBundle {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new Error(`the agent bundle ${path} is missing (${(error as NodeJS.ErrnoException).code}); build it with npm run build:agent`, { cause: error });
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { path, data, sha256, version: `sha256-${sha256.slice(0, 12)}` };
}
