/**
 * The host process's own worker (the local worker of `gantry serve` or of the desktop app), which the
 * API may start again after an admin stopped it, without restarting the coordinator. Implemented by
 * the host, which knows how to launch its agent; the server only asks.
 */
export interface LocalWorkerControl {
  /** Its worker id once it has registered (kept after it stops), else null. */
  workerId(): string | null;
  /** Whether its agent is running now. */
  running(): boolean;
  /** Launches the agent again; resolves once it has registered. */
  start(): Promise<void>;
}
