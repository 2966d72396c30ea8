import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../../src/shared';

const css = readFileSync(join(__dirname, '../../../src/renderer/src/styles.css'), 'utf8');

function stateColour(state: string): [number, number, number] {
  const hex = new RegExp(`--s-${state}:\\s*#([0-9a-f]{6})`, 'i').exec(css)?.[1];
  if (!hex) throw new Error(`no --s-${state} colour in styles.css`);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

describe('job state colours', () => {
  it('gives every pair of states colours far enough apart to tell at a glance (queued is not cancelled)', () => {
    const close: string[] = [];
    for (const [i, a] of JOB_STATES.entries()) {
      for (const b of JOB_STATES.slice(i + 1)) {
        const [x, y] = [stateColour(a), stateColour(b)];
        const distance = Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
        if (distance < 60) close.push(`${a}/${b}: ${Math.round(distance)}`);
      }
    }
    expect(close).toEqual([]);
  });
});
