/**
 * Messages between the agent and its spawn helper, over the helper's IPC channel (advanced
 * serialization, so log bytes cross as bytes). Each job has an id the agent picks; the helper
 * sends, per job and in this order: spawned (with its pid, or none when it could not start), any
 * data, then exit.
 */
import type { LogStream } from '../jobProcess';

/**
 * The argument that makes the agent's script run as its spawn helper instead of as an agent. Unlike
 * any flag of the agent's: it was once `--spawn-helper`, so an agent started with that flag first
 * ran as a helper with no agent to serve, and quietly exited.
 */
export const SPAWN_HELPER_ARG = '__gantry-spawn-helper';

/**
 * Output the helper relays for a job before the agent acknowledges it: past this, the helper stops
 * reading the job's pipes. Without it the helper would read as fast as the job prints and the agent's
 * pause would come after megabytes already crossed the channel into the agent's memory.
 */
export const RELAY_WINDOW_BYTES = 64 * 1024;
/** The agent acknowledges in steps of this many bytes: one message per quarter window, none for a job printing little. */
export const RELAY_ACK_BYTES = RELAY_WINDOW_BYTES / 4;

export type HelperRequest =
  | { op: 'spawn'; id: number; argv: string[]; cwd: string; env: Record<string, string> }
  | { op: 'kill'; id: number; signal: NodeJS.Signals }
  /** Backpressure: stop or restart reading the job's output (JobProcess.pause/resume). */
  | { op: 'pause'; id: number }
  | { op: 'resume'; id: number }
  /** The agent took in this many more bytes of the job's output (see RELAY_WINDOW_BYTES). */
  | { op: 'ack'; id: number; bytes: number };

export type HelperEvent =
  | { ev: 'spawned'; id: number; pid: number | undefined }
  | { ev: 'data'; id: number; stream: LogStream; bytes: Uint8Array }
  | { ev: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null; error?: { message: string; code?: string } };
