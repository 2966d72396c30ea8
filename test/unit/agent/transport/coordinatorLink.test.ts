import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorLink, CoordinatorReplyError } from '../../../../src/agent/transport/coordinatorLink';

/** A server that answers every request with one fixed body: a coordinator of another version, or a tampered reply. */
async function answering(body: unknown): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('CoordinatorLink', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('refuses a claim reply that does not match the shared schema, naming the field, and keeps the reply', async () => {
    const reply = { jobs: [{ job: { id: 3, command: 'rm -rf ~' }, attempt: 1 }] };
    const fake = await answering(reply);
    server = fake.server;
    const link = new CoordinatorLink({ url: fake.url, token: 't', stopSignal: new AbortController().signal });
    const error = await link.checked('claim', { params: { id: 'w1' }, body: { max: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorReplyError);
    expect((error as Error).message).toMatch(/reply to claim does not match the protocol: jobs\.0\./);
    expect((error as CoordinatorReplyError).reply).toEqual(reply);
  });

  it('refuses a heartbeat reply without the lease the agent paces itself by', async () => {
    const fake = await answering({ cancel: [], state: 'online', stop: false });
    server = fake.server;
    const link = new CoordinatorLink({ url: fake.url, token: 't', stopSignal: new AbortController().signal });
    await expect(link.checked('heartbeat', { params: { id: 'w1' }, body: {} })).rejects.toThrow(/heartbeat does not match the protocol: lease_ttl_s/);
  });
});
