import { AgentChannel, type AgentChannelConnect } from './agentChannel';

/** First wait before opening the channel again after it closed or was refused; doubles up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
/** A channel that stayed open this long resets the backoff: its close was a blip, not a refusal. */
const STABLE_MS = 30_000;

export interface ChannelKeeperOptions {
  stopSignal: AbortSignal;
  ca?: string | Buffer;
  /** Told when the channel opens or closes (the agent logs it). */
  onChange?: (open: boolean, detail: string) => void;
  now?: () => number;
}

/**
 * Keeps the agent channel open while the coordinator offers it: opens it when offered, and opens it
 * again with backoff when it closes or the upgrade is refused (HTTP carries every call meanwhile).
 * Never retries once the agent stops.
 */
export class ChannelKeeper {
  private channel: AgentChannel | null = null;
  private target: AgentChannelConnect | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private connecting = false;
  private readonly now: () => number;

  constructor(private readonly options: ChannelKeeperOptions) {
    this.now = options.now ?? Date.now;
    options.stopSignal.addEventListener('abort', () => this.close(), { once: true });
  }

  /** The open channel, or null (not offered, not open yet, or closed: use HTTP). */
  get current(): AgentChannel | null {
    return this.channel?.isOpen ? this.channel : null;
  }

  /** The coordinator offered the channel at `path` (its register reply); opens it unless already open to the same place. */
  offer(baseUrl: string, path: string, credential: string): void {
    const same = this.target?.path === path && this.target.credential === credential && this.target.baseUrl === baseUrl;
    // The same offer keeps its target: an opening in flight checks it is still wanted by identity.
    if (same && (this.channel || this.connecting || this.timer)) return;
    this.target = { baseUrl, path, credential, ca: this.options.ca };
    this.channel?.close('the coordinator offered another channel');
    this.failures = 0;
    this.connect();
  }

  /** The coordinator no longer offers a channel (a register reply without one): HTTP only. */
  withdraw(): void {
    this.target = null;
    this.channel?.close('the coordinator no longer offers it');
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.target = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.channel?.close('the agent is stopping');
    this.channel = null;
  }

  private connect(): void {
    const target = this.target;
    if (!target || this.options.stopSignal.aborted || this.connecting || this.current) return;
    this.connecting = true;
    AgentChannel.open(target)
      .then((channel) => {
        this.connecting = false;
        if (this.target !== target) return channel.close('no longer wanted');
        this.channel = channel;
        const openedAt = this.now();
        this.options.onChange?.(true, 'open');
        channel.onClose((reason) => {
          if (this.channel === channel) this.channel = null;
          if (this.now() - openedAt >= STABLE_MS) this.failures = 0;
          this.options.onChange?.(false, reason);
          this.retry();
        });
      })
      .catch((error: unknown) => {
        this.connecting = false;
        this.options.onChange?.(false, String(error));
        this.retry();
      });
  }

  private retry(): void {
    if (!this.target || this.options.stopSignal.aborted || this.timer) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures);
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
    this.timer.unref();
  }
}
