import { ApiError, type Worker, type WorkerRegister } from '../../shared';
import { isTransient } from '../deliverToCoordinator';
import type { AgentLogger } from '../logger';
import { backoffDelay, type BackoffOptions } from '../spool/backoff';
import type { CoordinatorLink } from '../transport/coordinatorLink';
import type { WorkerCredential } from '../workerCredential';
import type { AgentState } from './agentState';

/** A 404 for this worker: the coordinator forgot it (deregistered, pruned, a fresh database). */
export const forgotten = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

export interface WorkerSessionOptions {
  link: CoordinatorLink;
  /** Saves the credential registering returns; dropped (to enrol afresh) when the coordinator no longer knows it. */
  credential: WorkerCredential;
  /** What to register with; called per attempt, so a re-registration lists the attempts running then. */
  registration: () => WorkerRegister;
  state: AgentState;
  logger: AgentLogger;
  retry?: BackoffOptions;
}

/** The agent's identity at the coordinator: registers (retrying while unreachable) and registers again when forgotten. */
export class WorkerSession {
  private worker: Worker | undefined;
  private reregistering: Promise<void> | undefined;

  constructor(private readonly options: WorkerSessionOptions) {}

  /** Changes if the coordinator forgot this worker and it registered again. */
  get id(): string {
    if (!this.worker) throw new Error('the agent has not registered yet');
    return this.worker.id;
  }

  async register(): Promise<Worker> {
    const { link, state, logger } = this.options;
    for (let failures = 1; ; failures++) {
      try {
        const registered = await link.checked('registerWorker', { body: this.options.registration() });
        this.options.credential.save(registered.credential);
        this.worker = registered;
        return registered;
      } catch (error) {
        if (this.options.credential.refusedBy(error)) continue;
        if (!isTransient(error) || state.stopping) throw error;
        const delay = backoffDelay(failures, this.options.retry);
        logger.warn('registration failed; will retry', { delay_ms: Math.round(delay), error: String(error) });
        await state.wakeup.wait(delay);
      }
    }
  }

  /** Registers again once, however many loops notice at the same time that the coordinator forgot this worker. */
  reregister(): Promise<void> {
    this.reregistering ??= this.register()
      .then((worker) => this.options.logger.info('registered again', { worker_id: worker.id }))
      .catch((error) => this.options.logger.error('registering again failed', { error: String(error) }))
      .finally(() => (this.reregistering = undefined));
    return this.reregistering;
  }
}
