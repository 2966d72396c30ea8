import { describe, expect, it } from 'vitest';
import { tintStderr } from '../../../src/renderer/src/api/logBytes';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('tintStderr', () => {
  it('wraps the stderr ranges of a chunk in a red foreground and leaves stdout as it was', () => {
    expect(text(tintStderr(bytes('out\nerr\nout\n'), 100, [[104, 108]]))).toBe('out\n\x1b[31merr\n\x1b[39mout\n');
  });

  it('clips ranges that reach outside the chunk', () => {
    expect(text(tintStderr(bytes('rr\nout\n'), 10, [[8, 13]]))).toBe('\x1b[31mrr\n\x1b[39mout\n');
    expect(text(tintStderr(bytes('out\n'), 10, [[0, 10], [14, 20]]))).toBe('out\n');
  });

  it('returns the very bytes when nothing was stderr', () => {
    const chunk = bytes('all stdout\n');
    expect(tintStderr(chunk, 0, [])).toBe(chunk);
  });
});
