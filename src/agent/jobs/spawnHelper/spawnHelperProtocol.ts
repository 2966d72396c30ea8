/**
 * Messages between the agent and its spawn helper, over the helper's IPC channel (advanced
 * serialization, so log bytes cross as bytes). Each job has an id the agent picks; the helper
 * sends, per job and in this order: spawned (with its pid, or none when it could not start), any
 * data, then exit.
 */
import type { LogStream } from '../jobProcess';

/** The argument that makes the agent's script run as its spawn helper instead of as an agent. */
export const SPAWN_HELPER_ARG = '--spawn-helper';

export type HelperRequest =
  | { op: 'spawn'; id: number; argv: string[]; cwd: string; env: Record<string, string> }
  | { op: 'kill'; id: number; signal: NodeJS.Signals };

export type HelperEvent =
  | { ev: 'spawned'; id: number; pid: number | undefined }
  | { ev: 'data'; id: number; stream: LogStream; bytes: Uint8Array }
  | { ev: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null; error?: { message: string; code?: string } };
