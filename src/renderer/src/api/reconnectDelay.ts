/** The live socket's reconnect delay (not the agent's delivery backoff, src/agent/spool/backoff.ts): doubles per failed attempt from `baseMs` up to `maxMs`, with jitter so many tabs do not reconnect in step. */
export function reconnectDelay(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
