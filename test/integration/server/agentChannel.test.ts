import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { agentChannelPath, CHANNEL_CREDENTIAL_REVOKED, ClaimedJob, type AgentChannelReply, type RegisteredWorker } from '../../../src/shared';
import { nextSubscription } from '../../support/nextSubscription';
import { waitFor } from '../../support/waitFor';
import { createTestServer, type TestServer } from './testServer';

/** A raw channel client: sends calls, and keeps every reply by id for the test to wait on. */
class ChannelTestClient {
  private readonly replies = new Map<number, AgentChannelReply>();
  private nextId = 0;
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as AgentChannelReply;
      this.replies.set(reply.id, reply);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** Opens the channel, or rejects with the HTTP status the upgrade was refused with. */
  static open(url: string, token?: string): Promise<ChannelTestClient> {
    const socket = new WebSocket(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new ChannelTestClient(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(call: string, input: { params?: unknown; query?: unknown; body?: unknown }): number {
    const id = ++this.nextId;
    this.socket.send(JSON.stringify({ id, call, ...input }));
    return id;
  }

  async reply(id: number): Promise<AgentChannelReply> {
    return waitFor(() => this.replies.get(id), `the reply to call ${id}`);
  }

  async call(call: string, input: { params?: unknown; query?: unknown; body?: unknown }): Promise<AgentChannelReply> {
    return this.reply(this.send(call, input));
  }

  close(): void {
    this.socket.close();
  }
}

describe('the agent channel', () => {
  let server: TestServer;
  let base: string;
  let worker: RegisteredWorker;
  const channelUrl = (workerId: string): string => `${base}${agentChannelPath(workerId)}`;

  beforeAll(async () => {
    server = await createTestServer();
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    base = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    worker = await server.enrol('channel-1', { cpus: 2 });
  });
  afterAll(() => server.close());

  it('is named in the register reply', () => {
    expect(worker.channel).toBe(`/api/v1/workers/${worker.id}/channel`);
  });

  it('refuses the upgrade without the credential of that very worker', async () => {
    const other = await server.enrol('channel-other');
    const refusals = await Promise.all(
      [undefined, 'gwrk_wrong', server.tokens.worker, server.tokens.admin, other.credential].map((token) =>
        ChannelTestClient.open(channelUrl(worker.id), token).then(
          () => 'opened',
          (error: Error) => error.message,
        ),
      ),
    );
    expect(refusals).toEqual(['HTTP 401', 'HTTP 401', 'HTTP 403', 'HTTP 403', 'HTTP 403']);
  });

  it('answers a claim, a finish-and-claim and a heartbeat as their HTTP routes answer them', async () => {
    const channel = await ChannelTestClient.open(channelUrl(worker.id), worker.credential);
    try {
      const [first, second] = [server.coordinator.submit({ command: ['a'] }), server.coordinator.submit({ command: ['b'] })];
      const claim = await channel.call('claim', { params: { id: worker.id }, body: { max: 1 } });
      expect(claim.status).toBe(200);
      const [claimed] = (claim.body as { jobs: unknown[] }).jobs.map((job) => ClaimedJob.parse(job));
      expect(claimed).toMatchObject({ job: { id: first.id }, attempt: 1 });
      expect(claimed.token).toMatch(/^gjob_/);

      const finished = await channel.call('finishJobs', { body: { results: [{ job_id: first.id, attempt: 1, outcome: 'succeeded', exit_code: 0 }], claim: { max: 1 }, brief: true } });
      expect(finished.status).toBe(200);
      expect(finished.body).toMatchObject({ results: [{ job_id: first.id, state: 'succeeded' }], jobs: [{ job: { id: second.id }, attempt: 1 }] });
      expect(server.coordinator.getJob(second.id).state).toBe('running');

      const beat = await channel.call('heartbeat', { params: { id: worker.id }, body: {} });
      const overHttp = await server.call('POST', `/api/v1/workers/${worker.id}/heartbeat`, worker.credential, {});
      expect(beat.status).toBe(200);
      expect(Object.keys(beat.body as object).sort()).toEqual(Object.keys(overHttp.json() as object).sort());
      server.coordinator.cancel(second.id);
    } finally {
      channel.close();
    }
  });

  it('refuses bad input with the HTTP route status and error, naming the field', async () => {
    const channel = await ChannelTestClient.open(channelUrl(worker.id), worker.credential);
    try {
      const bad = await channel.call('claim', { params: { id: worker.id }, body: { max: 0 } });
      const overHttp = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 0 });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', field: 'max' } } });
      expect(bad.body).toEqual(overHttp.json());

      const foreign = await channel.call('heartbeat', { params: { id: 'someone-else' }, body: {} });
      expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      const notCarried = await channel.call('submitJob', { body: { command: ['x'] } });
      expect(notCarried).toMatchObject({ status: 400, body: { error: { field: 'call' } } });
      channel.socket.send('not json');
      await waitFor(async () => (await channel.call('heartbeat', { params: { id: worker.id }, body: {} })).status === 200, 'the channel to answer after a malformed message');
    } finally {
      channel.close();
    }
  });

  it('stops a parked claim when the socket closes, so a job submitted later is not claimed into a lost reply', async () => {
    const channel = await ChannelTestClient.open(channelUrl(worker.id), worker.credential);
    channel.send('claim', { params: { id: worker.id }, body: { max: 1, wait_ms: 60_000 } });
    channel.close();
    await channel.closed;
    // The parked claim let go of its slot: a worker may park at most 4, and 4 new ones are taken.
    await waitFor(async () => {
      const polls = await Promise.all([1, 2, 3, 4].map(() => server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1, wait_ms: 1 })));
      return polls.every((poll) => poll.statusCode === 200);
    }, 'the parked claim to end');
    const job = server.coordinator.submit({ command: ['later'] });
    expect(server.coordinator.getJob(job.id).state).toBe('queued');
    server.coordinator.cancel(job.id);
  });

  it('answers a parked claim 401 when its credential is revoked while it waits, claiming nothing', async () => {
    const enrolment = server.coordinator.createToken({ name: 'to-revoke-parked', scope: 'worker' });
    const revoked = (await server.call('POST', '/api/v1/workers', enrolment.token, { name: 'revoked-parked', cpus: 1, memory_mb: 1000 })).json() as RegisteredWorker;
    const channel = await ChannelTestClient.open(channelUrl(revoked.id), revoked.credential);
    const parked = nextSubscription(server.coordinator);
    const id = channel.send('claim', { params: { id: revoked.id }, body: { max: 1, wait_ms: 60_000 } });
    await parked;
    // In one turn: the parked claim wakes on the job before the registry's check closes the channel.
    server.coordinator.revokeToken(enrolment.record.id);
    const job = server.coordinator.submit({ command: ['after-revocation'] });
    expect((await channel.reply(id)).status).toBe(401);
    expect(server.coordinator.getJob(job.id).state).toBe('queued');
    server.coordinator.cancel(job.id);
    channel.close();
  });

  it('runs finishes that arrive in one turn in one group commit, and counts channel calls for Prometheus', async () => {
    const busy = await server.enrol('channel-busy', { cpus: 4 });
    const jobs = [server.coordinator.submit({ command: ['x'] }), server.coordinator.submit({ command: ['y'] })];
    const claimed = server.coordinator.claim(busy.id, { max: 2 });
    expect(claimed).toHaveLength(2);
    const channel = await ChannelTestClient.open(channelUrl(busy.id), busy.credential);
    try {
      // Both calls leave in one write, so the server reads them in one turn.
      const raw = (channel.socket as unknown as { _socket: Socket })._socket;
      raw.cork();
      const ids = claimed.map((c) => channel.send('finishJobs', { body: { results: [{ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded', exit_code: 0 }] } }));
      raw.uncork();
      const replies = await Promise.all(ids.map((id) => channel.reply(id)));
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      expect(jobs.map((j) => server.coordinator.getJob(j.id).state)).toEqual(['succeeded', 'succeeded']);
      const scrape = (await server.call('GET', '/metrics', server.tokens.admin)).body;
      expect(scrape).toMatch(/gantry_finish_requests_total\{transaction="shared"\} [1-9]/);
      expect(scrape).toMatch(/gantry_agent_channel_calls_total\{route="\/api\/v1\/jobs\/finish",status="200"\} [1-9]/);
    } finally {
      channel.close();
    }
  });

  it('closes the socket when the worker credential is revoked (its enrolment token revoked)', async () => {
    const enrolment = server.coordinator.createToken({ name: 'to-revoke', scope: 'worker' });
    const response = await server.call('POST', '/api/v1/workers', enrolment.token, { name: 'revoked-1', cpus: 1, memory_mb: 1000 });
    const revoked = response.json() as RegisteredWorker;
    const channel = await ChannelTestClient.open(channelUrl(revoked.id), revoked.credential);
    expect((await channel.call('heartbeat', { params: { id: revoked.id }, body: {} })).status).toBe(200);
    server.coordinator.revokeToken(enrolment.record.id);
    expect(await channel.closed).toBe(CHANNEL_CREDENTIAL_REVOKED);
  });

  it('refuses the very next call once the worker credential is revoked, then closes', async () => {
    const enrolment = server.coordinator.createToken({ name: 'to-revoke-2', scope: 'worker' });
    const response = await server.call('POST', '/api/v1/workers', enrolment.token, { name: 'revoked-2', cpus: 1, memory_mb: 1000 });
    const revoked = response.json() as RegisteredWorker;
    const channel = await ChannelTestClient.open(channelUrl(revoked.id), revoked.credential);
    expect((await channel.call('heartbeat', { params: { id: revoked.id }, body: {} })).status).toBe(200);
    server.coordinator.revokeToken(enrolment.record.id);
    const refused = await channel.call('heartbeat', { params: { id: revoked.id }, body: {} });
    expect(refused.status).toBe(401);
    expect(await channel.closed).toBe(CHANNEL_CREDENTIAL_REVOKED);
  });

  it('is not offered when the server is built without it', async () => {
    const plain = await createTestServer({ agentChannel: false });
    try {
      const registered = await plain.enrol('no-channel');
      expect(registered.channel).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
