import { describe, expect, it } from 'vitest';
import { agentBundlePath } from '../../../src/main/paths/agentBundlePath';

describe('agentBundlePath (the agent the desktop app installs on hosts)', () => {
  const base = { resourcesPath: '/opt/Gantry/resources', appPath: '/src/gantry', env: {} };

  it('is the packaged resources copy in a packaged app', () => {
    expect(agentBundlePath({ ...base, packaged: true })).toBe('/opt/Gantry/resources/agent/gantry-agent.js');
  });

  it("is the checkout's out/agent build under npm run dev", () => {
    expect(agentBundlePath({ ...base, packaged: false })).toBe('/src/gantry/out/agent/gantry-agent.js');
  });

  it('yields to GANTRY_AGENT_BUNDLE, as gantry serve does', () => {
    expect(agentBundlePath({ ...base, packaged: true, env: { GANTRY_AGENT_BUNDLE: '/tmp/agent.js' } })).toBe('/tmp/agent.js');
  });
});
