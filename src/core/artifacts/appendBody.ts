import { open } from 'node:fs/promises';
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The body's chunks, ending (instead of failing) when the body fails: `onFailure` gets the error.
 * node:http destroys a request whose connection drops before it reaches us; the bytes its parser
 * had pushed are still in its buffer, where `read()` returns them (the async iterator would not).
 */
async function* receivedBytes(body: Readable, onFailure: (error: unknown) => void): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (error) {
    onFailure(error);
    for (let chunk = body.read() as Buffer | null; chunk !== null; chunk = body.read() as Buffer | null) yield chunk;
  }
}

async function syncToDisk(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}

/**
 * Writes an upload's body through `meter` to the end of its part file at `path` (`file` appends to it).
 *
 * Why not a plain pipeline: when the client's connection drops mid-body, the body fails, and a
 * pipeline destroys the file stream with it, which drops every byte it still buffered (up to its
 * high-water mark, or all of them while the file is still opening on a busy thread pool). The
 * client then found less than had reached the server, often nothing, to resume from. Here a body
 * that fails ends the chain instead: every byte the server received is written and synced, and
 * only then is the body's error thrown. Errors of the meter or the file still destroy the chain.
 */
export async function appendBody(body: Readable, meter: Transform, file: Writable, path: string): Promise<void> {
  let failure: { error: unknown } | undefined;
  await pipeline(receivedBytes(body, (error) => (failure = { error })), meter, file);
  if (!failure) return;
  await syncToDisk(path);
  throw failure.error;
}
