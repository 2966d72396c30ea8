import type { Agent } from '../../agent';
import type { LocalWorkerControl } from '../../server';

/**
 * `gantry serve`'s local worker: an in-process agent that an admin may stop (it hands its jobs back and
 * exits) and start again through the API, without restarting the coordinator.
 */
export class LocalWorker implements LocalWorkerControl {
  private agent: Agent | null = null;
  private lastWorkerId: string | null = null;
  private starting: Promise<void> | null = null;
  private isRunning = false;

  constructor(private readonly launch: () => Promise<Agent>) {}

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
