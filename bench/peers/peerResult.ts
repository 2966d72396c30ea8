/** What each peer queue is measured on, in jobs per second. */
export interface PeerResult {
  submitPerSecond: number;
  /** Claimed (taken from the queue), processed as a no-op and marked done. */
  processPerSecond: number;
}
