/** What each peer queue is measured on, in jobs per second. */
export interface PeerResult {
  submitPerSecond: number;
  /** Claimed (taken from the queue), processed as a no-op and marked done. */
  processPerSecond: number;
  /** CPU per processed job while processing, µs: this process (the peer's client and workers), and a server process where the peer has one (redis). */
  clientCpuUsPerJob: number;
  serverCpuUsPerJob?: number;
}
