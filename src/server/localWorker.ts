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

/** What RestartableWorker needs of an agent (src/agent's Agent has it), without importing the agent layer. */
export interface AgentHandle {
  readonly workerId: string;
  readonly stopped: Promise<void>;
  stop(options: { graceful: boolean }): Promise<void>;
}

/**
 * An in-process agent that an admin may stop (it hands its jobs back and exits) and start again
 * through the API: `gantry serve` and the desktop app both keep their local worker in one.
 */
export class RestartableWorker implements LocalWorkerControl {
  private agent: AgentHandle | null = null;
  private lastWorkerId: string | null = null;
  private starting: Promise<void> | null = null;
  private isRunning = false;

  constructor(private readonly launch: () => Promise<AgentHandle>) {}

  workerId(): string | null {
    return this.agent?.workerId ?? this.lastWorkerId;
  }

  running(): boolean {
    return this.isRunning;
  }

  /** Starts the agent unless it runs; concurrent calls share one launch. */
  start(): Promise<void> {
    if (this.isRunning) return Promise.resolve();
    this.starting ??= this.launch().then(
      (agent) => {
        this.agent = agent;
        this.lastWorkerId = agent.workerId;
        this.isRunning = true;
        this.starting = null;
        // An admin's stop ends the agent on its own; remember that it no longer runs.
        void agent.stopped.then(() => {
          if (this.agent !== agent) return;
          this.lastWorkerId = agent.workerId;
          this.isRunning = false;
        });
      },
      (error: unknown) => {
        this.starting = null;
        throw error;
      },
    );
    return this.starting;
  }

  async stop(options: { graceful: boolean }): Promise<void> {
    await this.agent?.stop(options);
    this.isRunning = false;
  }
}
