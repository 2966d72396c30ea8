import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};

/** The lowest major our `engines` admits: `>=20` → 20. */
const lowestMajor = Number(/^>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);

/**
 * Whether a dependency's engines range admits that major. Only the forms the lock holds are read
 * (`>=18`, `>= 14.0.0`, `20 || >=22`, `^20.1`, `*`); anything else counts as not admitting, so a new
 * form makes this test fail loudly instead of passing by accident.
 */
function admits(range: string, major: number): boolean {
  return range.split('||').some((part) => {
    const alternative = part.trim();
    if (alternative === '*' || alternative === '') return true;
    const atLeast = /^>=?\s*v?(\d+)(?:\.[\dx]+)*(?:\s+<\s*(\d+))?$/.exec(alternative);
    if (atLeast) return Number(atLeast[1]) <= major && (atLeast[2] === undefined || major < Number(atLeast[2]));
    const exact = /^[\^~]?v?(\d+)(?:\.[\dx*]+)*$/.exec(alternative);
    return exact !== null && Number(exact[1]) === major;
  });
}

describe('engines', () => {
  it('reads the lowest Node major from package.json', () => {
    expect(lowestMajor).toBe(20);
  });

  it.each([
    ['>=18', true],
    ['>= 14.0.0', true],
    ['>= 10.x', true],
    ['20 || >=22', true],
    ['18 || 20 || >=22', true],
    ['^20.1.0', true],
    ['>=22', false],
    ['>= 22.12.0', false],
    ['^18.0.0 || >=22', false],
  ])('reads %s as admitting Node 20: %s', (range, expected) => {
    expect(admits(range, 20)).toBe(expected);
  });

  it('every runtime dependency in the lock runs on the lowest Node that package.json promises', () => {
    const refused = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.dev && typeof entry.engines === 'object' && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => !admits((entry.engines as { node: string }).node, lowestMajor))
      .map(([path, entry]) => `${path}@${entry.version} needs node ${(entry.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });
});
