import { describe, expect, it } from 'vitest';
import { OldSpaceKeeper } from '../../../../src/agent/memory/oldSpaceKeeper';

const MB = 1024 * 1024;

describe('OldSpaceKeeper', () => {
  it('runs a full collection only once the heap grew past the slack since the last one, then measures from what is left', () => {
    let used = 6 * MB;
    let collections = 0;
    const keeper = new OldSpaceKeeper(2 * MB, () => used, () => {
      collections++;
      used = 6.5 * MB;
    });
    used = 7.9 * MB;
    expect(keeper.check()).toBe(false);
    used = 8 * MB;
    expect(keeper.check()).toBe(true);
    expect(collections).toBe(1);
    used = 8.4 * MB;
    expect(keeper.check()).toBe(false);
    used = 8.5 * MB;
    expect(keeper.check()).toBe(true);
    expect(collections).toBe(2);
  });
});
