import { describe, expect, it } from 'vitest';
import { loadNodePty } from '../../../src/main/terminal/loadNodePty';

describe('loadNodePty', () => {
  it('loads the native module built for this runtime', async () => {
    const loaded = await loadNodePty();
    expect(loaded.error).toBeNull();
    expect(typeof loaded.pty?.spawn).toBe('function');
  });
});
