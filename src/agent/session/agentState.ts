import { Wakeup } from '../wakeup';

/** What the agent's loops share: whether it is stopping or draining, and a wakeup for sleeping loops. */
export class AgentState {
  stopping = false;
  /** The coordinator says this worker is draining: finish what runs, claim nothing new. */
  draining = false;
  /** A pilot whose Slurm wall time nears its end: finish what runs, claim nothing new. */
  winding = false;
  readonly wakeup = new Wakeup();
}
