import { readFileSync } from 'node:fs';

/** Gone, or a zombie nobody has reaped yet: either way it runs no more. Reads /proc, so Linux only. */
export function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}
