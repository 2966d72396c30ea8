import type { SshLink } from '../ssh/openSsh';
import { closeReverseTunnel, openReverseTunnel } from './reverseTunnel';

export interface TunnelKeeperOptions {
  open: () => Promise<SshLink>;
  /** The coordinator's port on this machine's loopback. */
  localPort: () => number;
  /** The port on the host's loopback the agent was told; 0 lets the host pick on first open. */
  remotePort: number;
  /** Told when the tunnel goes down (with why) and comes back. */
  onChange?: (up: boolean, reason: string | null) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Keeps one host's reverse tunnel open: when the SSH connection drops (keepalives notice a dead
 * link), it reconnects with exponential backoff and asks for the same remote port, so the agent,
 * which spools meanwhile, finds the coordinator again at the address it was started with.
 */
export class TunnelKeeper {
  private link: SshLink | null = null;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private port: number;

  constructor(private readonly options: TunnelKeeperOptions) {
    this.port = options.remotePort;
  }

  get remotePort(): number {
    return this.port;
  }

  get connected(): boolean {
    return this.link !== null;
  }

  /** Opens the first connection; fails when it cannot (later drops are retried by themselves). */
  async start(): Promise<number> {
    await this.connect();
    return this.port;
  }

  /** Keeps trying from the start (a coordinator restarting while the host is away); never throws. */
  keepTrying(): void {
    this.connect().catch((error: Error) => {
      this.options.onChange?.(false, error.message);
      this.schedule();
    });
  }

  private async connect(): Promise<void> {
    const link = await this.options.open();
    try {
      this.port = await openReverseTunnel(link.client, this.port, this.options.localPort());
    } catch (error) {
      link.client.end();
      throw error;
    }
    if (this.stopped) return closeReverseTunnel(link.client);
    this.link = link;
    this.failures = 0;
    this.options.onChange?.(true, null);
    link.client.once('close', () => {
      this.link = null;
      if (this.stopped) return;
      this.options.onChange?.(false, 'the SSH connection closed');
      this.schedule();
    });
  }

  private schedule(): void {
    const initial = this.options.initialBackoffMs ?? 500;
    const delay = Math.min(this.options.maxBackoffMs ?? 30_000, initial * 2 ** this.failures);
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.keepTrying();
    }, delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.link) closeReverseTunnel(this.link.client);
    this.link = null;
  }
}
