import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the agent's own process, set from inside it rather than on node's command line: the
 * agent is started by SSH provisioning, Slurm and Kubernetes pilots and by hand, and this way every
 * launcher gets the same flags without knowing them. Not for an agent inside `gantry serve`.
 *
 * - `--no-opt`: no TurboFan. The agent's JavaScript is glue around syscalls (spawn, pipes, HTTP),
 *   which the interpreter and Sparkplug run about as fast, while the optimizing compiler's code,
 *   its type feedback and the node binary pages it touches cost about 8 MB of resident set, and
 *   every fork of a job copies the page tables of the private part (bench/README.md, e2e.agent.rss_mb).
 *   Set before anything has run hot, it is as good as the command-line flag (measured both ways).
 * - `--semi-space-growth-factor=1`: V8 grows the young generation up to 16 MB a semispace under a
 *   steady allocation rate (the agent's HTTP replies and job bookkeeping), most of what the agent
 *   gained in resident size while it worked (about 17 MB). Held at its starting size, it costs a few
 *   more sub-millisecond scavenges. The growth factor is read at each growth, so setting it now takes effect.
 */
export const AGENT_V8_FLAGS = ['--no-opt', '--semi-space-growth-factor=1'] as const;

export function applyAgentV8Flags(): void {
  for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
}
