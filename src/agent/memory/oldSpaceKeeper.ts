import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps the agent's old generation near its live size. V8 lets garbage pile up there until the heap
 * reaches a limit it sets from the host's memory (on a host with gigabytes, several times the live
 * heap): the agent's live heap is about 6 MB, but its resident set grew by about 1 MB per thousand
 * jobs of promoted garbage until the first full collection (bench/README.md, e2e.agent.rss_mb), and
 * every fork of a job copies the page tables of all of it. A full collection of a heap this small
 * takes a few milliseconds; this runs one only when the heap grew `slackBytes` since the last, and
 * checks at most every `intervalMs`.
 */
export class OldSpaceKeeper {
  private baseline: number;

  constructor(
    private readonly slackBytes: number,
    private readonly usedBytes: () => number,
    private readonly collect: () => void,
  ) {
    this.baseline = usedBytes();
  }

  /** Collects when the heap grew past the slack; returns whether it did. */
  check(): boolean {
    if (this.usedBytes() < this.baseline + this.slackBytes) return false;
    this.collect();
    this.baseline = this.usedBytes();
    return true;
  }
}

/**
 * V8's own full collection, reached without starting node with --expose-gc: the flag set now gives
 * the function to contexts made from then on, and a fresh context hands it over (the agent's own
 * global gets no `gc`).
 */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * For the agent process only (not an agent inside `gantry serve`): checks every `intervalMs`; returns
 * a stop function. The peak resident set is the slack plus what is promoted between two checks: a job
 * printing metric lines as fast as it can promotes 4–5 MB a second (its log chunks and points wait in
 * the outbox longer than two scavenges), which every 500 ms took the agent to 60.5–64.9 MB; every
 * 100 ms, 57.6–58.5 MB (`npm run bench -- agent-metrics`, alternated, load 9–16), for ~10% more
 * agent CPU in that flood. How many collections run follows mostly from what is promoted: 1,500 no-op
 * jobs saw 13–14 against 10–11, their agent CPU per job within its spread (1.53/1.62 against
 * 1.59/1.41 ms, load ~14). A check is one getHeapStatistics call, a few µs.
 */
export function keepOldSpaceSmall(intervalMs = 100, slackBytes = 2 * 1024 * 1024): () => void {
  const keeper = new OldSpaceKeeper(slackBytes, () => getHeapStatistics().used_heap_size, fullCollection());
  const timer = setInterval(() => keeper.check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
