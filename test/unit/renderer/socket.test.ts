import { afterEach, describe, expect, it, vi } from 'vitest';
import { GantrySocket, socketUrl, type SocketStatus } from '../../../src/renderer/src/api/socket';
import type { QueueEvent } from '../../../src/shared/schemas/events';

/** A stand-in WebSocket the test drives by hand. */
class FakeSocket {
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
}

const queueEvent = (id: number): QueueEvent => ({ id, at: 0, type: 'job.queued', job_id: 1, worker_id: null, data: {} });
const b64 = (text: string) => Buffer.from(text).toString('base64');

function setup() {
  vi.useFakeTimers();
  const sockets: FakeSocket[] = [];
  const events: number[] = [];
  const statuses: SocketStatus[] = [];
  const socket = new GantrySocket({
    url: 'ws://x/api/v1/ws',
    createSocket: () => {
      const fake = new FakeSocket();
      sockets.push(fake);
      return fake as unknown as WebSocket;
    },
    random: () => 1,
    callbacks: { onEvent: (e) => events.push(e.id), onGpu: () => undefined, onStatus: (s) => statuses.push(s) },
  });
  socket.start();
  return { socket, sockets, events, statuses };
}

describe('GantrySocket', () => {
  // Restored whether the test passed or threw, so a failure cannot leave fake timers to the next test.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resubscribes after the last event id it saw when the connection comes back', () => {
    const { sockets, events, statuses } = setup();
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ type: 'subscribe', after: 0 }]);
    sockets[0].receive({ type: 'event', event: queueEvent(7) });
    sockets[0].drop();
    expect(statuses.at(-1)).toBe('retrying');
    vi.advanceTimersByTime(500);
    sockets[1].open();
    expect(sockets[1].sent[0]).toEqual({ type: 'subscribe', after: 7 });
    // A replay overlapping what was applied is ignored.
    sockets[1].receive({ type: 'event', event: queueEvent(7) });
    sockets[1].receive({ type: 'event', event: queueEvent(8) });
    expect(events).toEqual([7, 8]);
  });

  it('waits longer after each failed reconnect', () => {
    const { sockets } = setup();
    sockets[0].drop();
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    sockets[1].drop();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
  });

  it('resumes a followed log from the last byte received, without repeating bytes', () => {
    const { socket, sockets } = setup();
    sockets[0].open();
    const received: string[] = [];
    let ended = -1;
    socket.followLog(5, 1, 0, { onData: (bytes) => received.push(Buffer.from(bytes).toString()), onEnd: (size) => (ended = size) });
    sockets[0].receive({ type: 'log', job_id: 5, attempt: 1, offset: 0, data_b64: b64('hello ') });
    sockets[0].drop();
    vi.advanceTimersByTime(500);
    sockets[1].open();
    expect(sockets[1].sent).toContainEqual({ type: 'follow_log', job_id: 5, attempt: 1, offset: 6 });
    sockets[1].receive({ type: 'log', job_id: 5, attempt: 1, offset: 0, data_b64: b64('hello world') });
    sockets[1].receive({ type: 'log_end', job_id: 5, attempt: 1, size: 11 });
    expect(received.join('')).toBe('hello world');
    expect(ended).toBe(11);
  });

  it("hands a followed log's stderr ranges to the follower with the offset its bytes start at", () => {
    const { socket, sockets } = setup();
    sockets[0].open();
    const received: Array<[string, number, Array<[number, number]>]> = [];
    socket.followLog(5, 1, 0, { onData: (bytes, at, stderr) => received.push([Buffer.from(bytes).toString(), at, stderr]), onEnd: () => undefined });
    sockets[0].receive({ type: 'log', job_id: 5, attempt: 1, offset: 0, data_b64: b64('out\nerr\n'), stderr: [[4, 8]] });
    sockets[0].receive({ type: 'log', job_id: 5, attempt: 1, offset: 8, data_b64: b64('out\n') });
    expect(received).toEqual([
      ['out\nerr\n', 0, [[4, 8]]],
      ['out\n', 8, []],
    ]);
  });

  it('builds the WebSocket address from the coordinator URL and token', () => {
    expect(socketUrl('https://h:1', 'a b')).toBe('wss://h:1/api/v1/ws?token=a+b');
    expect(socketUrl('http://127.0.0.1:7878', null)).toBe('ws://127.0.0.1:7878/api/v1/ws');
  });
});
