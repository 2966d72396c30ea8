// The claim probe in a small process of its own (plain JavaScript, nothing loaded but fetch and ws): the
// same claims as the in-bench probe, so the two together tell the benchmark process's own delays from the
// server's. Every other claim goes over the agent channel (a WebSocket, as the agents' calls do) instead of
// HTTP, when the server offers one. Args: URL WORKER_ID CREDENTIAL [CHANNEL_PATH]. Probes every 100 ms until
// its stdin ends, then prints {"samples": [[sentAtMs, roundTripMs, serverTiming], ...], "channelMs": [...],
// "jobsTaken": n} and exits; sample times are CLOCK_MONOTONIC ms, the clock the server's Server-Timing
// `recv` is on (bench/e2e/claimTiming.ts); a channel reply carries no timing, so only its round trip is kept.
import WebSocket from 'ws';

const [url, id, credential, channelPath] = process.argv.slice(2);
const headers = { authorization: `Bearer ${credential}`, 'content-type': 'application/json' };
const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
const request = async (path, body) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
  return { json: await response.json(), serverTiming: response.headers.get('server-timing') };
};
const post = async (path, body) => (await request(path, body)).json;

/** The agent channel's calls as the agent makes them: `{id, call, params, body}`, answered by id. */
const openChannel = async () => {
  const wsUrl = new URL(channelPath, url);
  wsUrl.protocol = 'ws:';
  const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${credential}` }, perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const pending = new Map();
  let nextId = 0;
  socket.on('message', (data) => {
    const reply = JSON.parse(data.toString());
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  return {
    call: (call, params, body) =>
      new Promise((resolve, reject) => {
        const callId = ++nextId;
        pending.set(callId, (reply) => (reply.status === 200 ? resolve(reply.body) : reject(new Error(`${call} over the channel: ${reply.status} ${JSON.stringify(reply.body)}`))));
        socket.send(JSON.stringify({ id: callId, call, params, body }));
      }),
    close: () => socket.close(),
  };
};
const channel = channelPath ? await openChannel() : null;

let running = true;
process.stdin.on('end', () => (running = false));
process.stdin.resume();
const samples = [];
const channelMs = [];
let jobsTaken = 0;
let lastBeat = performance.now();
for (let tick = 0; running; tick++) {
  const sentAt = monotonicMs();
  let jobs;
  if (channel && tick % 2 === 1) {
    ({ jobs } = await channel.call('claim', { id }, { max: 1, wait_ms: 0 }));
    channelMs.push(monotonicMs() - sentAt);
  } else {
    const { json, serverTiming } = await request(`/api/v1/workers/${id}/claim`, { max: 1, wait_ms: 0 });
    samples.push([sentAt, monotonicMs() - sentAt, serverTiming]);
    ({ jobs } = json);
  }
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
channel?.close();
process.stdout.write(`${JSON.stringify({ samples, channelMs, jobsTaken })}\n`);
