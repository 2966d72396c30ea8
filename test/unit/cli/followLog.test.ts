import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { CliError, EXIT } from '../../../src/cli/exitCodes';
import { followLog } from '../../../src/cli/logs/followLog';

const LOG = Buffer.from('\x1b[32mok\x1b[0m 10%\r 50%\r100%\n\xff\xfe done\n', 'latin1');

interface FollowRequest {
  type: string;
  job_id: number;
  attempt: number;
  offset: number;
}

/** A stand-in for the server's live socket: each connection is handed to the next scripted session. */
async function fakeLiveSocket(sessions: Array<(socket: WebSocket, request: FollowRequest) => void>) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const requests: FollowRequest[] = [];
  const tokens: string[] = [];
  server.on('connection', (socket, request) => {
    tokens.push(new URL(request.url ?? '', 'http://x').searchParams.get('token') ?? '');
    const session = sessions.shift();
    socket.once('message', (raw) => {
      const message = JSON.parse(raw.toString()) as FollowRequest;
      requests.push(message);
      session?.(socket, message);
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, requests, tokens };
}

const log = (offset: number, bytes: Buffer) => JSON.stringify({ type: 'log', job_id: 7, attempt: 1, offset, data_b64: bytes.toString('base64') });

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

describe('followLog', () => {
  it('resumes from the byte it reached after the connection drops and writes every byte once', async () => {
    const fake = await fakeLiveSocket([
      (socket) => {
        socket.send(log(0, LOG.subarray(0, 9)));
        // Let the chunk leave before the abrupt close, as a network failure mid-stream would.
        setImmediate(() => socket.terminate());
      },
      (socket, request) => {
        // The server resends from a little before the client's offset; the client must drop the overlap.
        const from = request.offset - 4;
        socket.send(log(from, LOG.subarray(from)));
        socket.send(JSON.stringify({ type: 'log_end', job_id: 7, attempt: 1, size: LOG.length }));
      },
    ]);
    server = fake.server;
    const written: Buffer[] = [];
    const notices: string[] = [];
    const end = await followLog(
      { url: fake.url, token: 'secret', jobId: 7, attempt: 1, offset: 0 },
      { write: async (data) => void written.push(Buffer.from(data)), notice: (m) => notices.push(m) },
    );
    expect(Buffer.concat(written).equals(LOG)).toBe(true);
    expect(end).toEqual({ size: LOG.length, offset: LOG.length });
    expect(fake.requests.map((r) => r.offset)).toEqual([0, 9]);
    expect(fake.tokens).toEqual(['secret', 'secret']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/resuming at byte 9/);
  });

  it('ignores messages about other logs', async () => {
    const fake = await fakeLiveSocket([
      (socket) => {
        socket.send(JSON.stringify({ type: 'log', job_id: 8, attempt: 1, offset: 0, data_b64: Buffer.from('other').toString('base64') }));
        socket.send(log(0, Buffer.from('mine')));
        socket.send(JSON.stringify({ type: 'log_end', job_id: 7, attempt: 1, size: 4 }));
      },
    ]);
    server = fake.server;
    const written: Buffer[] = [];
    await followLog({ url: fake.url, token: 't', jobId: 7, attempt: 1, offset: 0 }, { write: async (d) => void written.push(Buffer.from(d)), notice: () => undefined });
    expect(Buffer.concat(written).toString()).toBe('mine');
  });

  it('stops with exit code 3 when the server answers with an error', async () => {
    const fake = await fakeLiveSocket([(socket) => socket.send(JSON.stringify({ type: 'error', code: 'not_found', message: 'job 7 does not exist' }))]);
    server = fake.server;
    const error = await followLog({ url: fake.url, token: 't', jobId: 7, attempt: 1, offset: 0 }, { write: async () => undefined, notice: () => undefined }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.apiRefused);
    expect((error as CliError).message).toMatch(/job 7 does not exist/);
  });

  it('gives up with exit code 4 when the coordinator stays unreachable', async () => {
    let clock = 0;
    const error = await followLog(
      { url: 'http://127.0.0.1:1', token: 't', jobId: 7, attempt: 1, offset: 0 },
      { write: async () => undefined, notice: () => (clock += 1_000), now: () => clock, giveUpAfterMs: 2_500 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.unreachable);
  });
});
