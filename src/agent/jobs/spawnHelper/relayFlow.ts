import type { JobProcess } from '../jobProcess';
import { RELAY_WINDOW_BYTES } from './spawnHelperProtocol';

/**
 * The helper's side of one job's flow control: its pipes are read only while the agent has not
 * asked for a pause and less than RELAY_WINDOW_BYTES of its output is unacknowledged.
 */
export class RelayFlow {
  private unacked = 0;
  private pausedByAgent = false;
  private reading = true;

  constructor(private readonly job: JobProcess) {}

  sent(bytes: number): void {
    this.unacked += bytes;
    this.apply();
  }

  acked(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    this.apply();
  }

  pause(): void {
    this.pausedByAgent = true;
    this.apply();
  }

  resume(): void {
    this.pausedByAgent = false;
    this.apply();
  }

  private apply(): void {
    const read = !this.pausedByAgent && this.unacked < RELAY_WINDOW_BYTES;
    if (read === this.reading) return;
    this.reading = read;
    if (read) this.job.resume?.();
    else this.job.pause?.();
  }
}
