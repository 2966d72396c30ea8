import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);

/** V8's %GetOptimizationStatus bit for "this function runs optimized code". */
const OPTIMIZED = 1 << 4;

/**
 * In a fresh Node process: optionally starts the agent's command line as `gantry-agent --version`
 * (which sets the agent's V8 flags and returns), then forces a function through the optimizing
 * compiler and prints V8's optimization status for it.
 */
async function optimizationStatus(startAgentCli: boolean): Promise<number> {
  const script = `
    import { setFlagsFromString } from 'node:v8';
    ${startAgentCli ? `const { runAgentCli } = await import(${JSON.stringify(join(ROOT, 'src/agent/agentCli.ts'))}); process.argv.push('--version'); await runAgentCli();` : ''}
    setFlagsFromString('--allow-natives-syntax');
    const status = new Function(\`
      function hot(a, b) { return a + b; }
      %PrepareFunctionForOptimization(hot);
      hot(1, 2);
      %OptimizeFunctionOnNextCall(hot);
      hot(3, 4);
      return %GetOptimizationStatus(hot);
    \`)();
    process.stdout.write('\\nstatus=' + status + '\\n');
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 });
  return Number(/status=(\d+)/.exec(stdout)?.[1]);
}

describe('agent V8 flags', () => {
  // The agent's resident size (and with it the cost of every fork of a job) rests on --no-opt (bench/README.md, e2e.agent.rss_mb).
  it('starts the agent without the optimizing compiler: a function forced to optimize stays unoptimized', async () => {
    expect(await optimizationStatus(true) & OPTIMIZED).toBe(0);
  }, 90_000);

  it('the same check sees optimized code in a process that did not start the agent, so it can fail', async () => {
    expect(await optimizationStatus(false) & OPTIMIZED).toBe(OPTIMIZED);
  }, 90_000);
});
