// The claim probe in a small process of its own (plain JavaScript, nothing loaded but fetch): the same
// claims as the in-bench probe, so the two together tell the benchmark process's own delays from the
// server's. Args: URL WORKER_ID CREDENTIAL. Probes every 100 ms until its stdin ends, then prints
// {"samples": [[sentAtMs, roundTripMs, serverTiming], ...], "jobsTaken": n} and exits; times are
// CLOCK_MONOTONIC ms, the clock the server's Server-Timing `recv` is on (bench/e2e/claimTiming.ts).
const [url, id, credential] = process.argv.slice(2);
const headers = { authorization: `Bearer ${credential}`, 'content-type': 'application/json' };
const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
const request = async (path, body) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
  return { json: await response.json(), serverTiming: response.headers.get('server-timing') };
};
const post = async (path, body) => (await request(path, body)).json;
let running = true;
process.stdin.on('end', () => (running = false));
process.stdin.resume();
const samples = [];
let jobsTaken = 0;
let lastBeat = performance.now();
while (running) {
  const sentAt = monotonicMs();
  const { json, serverTiming } = await request(`/api/v1/workers/${id}/claim`, { max: 1, wait_ms: 0 });
  samples.push([sentAt, monotonicMs() - sentAt, serverTiming]);
  const { jobs } = json;
  for (const claimed of jobs) {
    await post(`/api/v1/jobs/${claimed.job.id}/finish`, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
    jobsTaken++;
  }
  if (performance.now() - lastBeat > 3_000) {
    await post(`/api/v1/workers/${id}/heartbeat`, {});
    lastBeat = performance.now();
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.stdout.write(`${JSON.stringify({ samples, jobsTaken })}\n`);
