import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ChannelKeeper } from '../../../../src/agent/transport/channelKeeper';
import { waitFor } from '../../../support/waitFor';

let server: WebSocketServer | undefined;
let keeper: ChannelKeeper | undefined;
let stop: AbortController | undefined;
afterEach(async () => {
  stop?.abort();
  keeper?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = keeper = stop = undefined;
});

async function listeningServer(): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ChannelKeeper', () => {
  it('keeps the channel it is opening when the same offer comes again meanwhile (an agent registering twice)', async () => {
    const url = await listeningServer();
    stop = new AbortController();
    keeper = new ChannelKeeper({ stopSignal: stop.signal });
    keeper.offer(url, '/api/v1/workers/w1/channel', 'credential');
    keeper.offer(url, '/api/v1/workers/w1/channel', 'credential');
    const kept = keeper;
    expect(await waitFor(() => kept.current, 'the channel open', 20_000)).not.toBeNull();
  });
});
