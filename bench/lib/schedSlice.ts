/**
 * A thread's EEVDF slice (Linux ≥ 6.12: `sched_attr.sched_runtime` of a SCHED_OTHER thread, 0.1–100 ms)
 * set from outside with a one-shot perl `syscall`, since Node cannot call sched_setattr. The other
 * fields (policy, nice) are read first and written back as they were. `resetOnFork` sets
 * SCHED_FLAG_RESET_ON_FORK so that threads and children created afterwards start with the default
 * slice; without it they inherit the short one (checked on 6.18). Clearing that flag needs
 * CAP_SYS_NICE. Root-free otherwise: a thread of the same user may shorten its own slice.
 */
import { execFileSync } from 'node:child_process';

const SYSCALLS: Partial<Record<string, { get: number; set: number }>> = { x64: { get: 315, set: 314 }, arm64: { get: 275, set: 274 } };

function perlScript(get: number, set: number): string {
  return [
    'my ($tid, $ns, $reset) = @ARGV; my $b = "\\0" x 56;',
    `syscall(${get}, $tid+0, $b, 56, 0) == 0 or die "getattr: $!\\n";`,
    'my @f = unpack("LLQlLQQQLL", $b); $f[0] = 56; $f[5] = $ns+0; $f[2] = $reset ? 1 : ($f[2] & ~1);',
    `syscall(${set}, $tid+0, pack("LLQlLQQQLL", @f), 0) == 0 or die "setattr: $!\\n";`,
    `syscall(${get}, $tid+0, $b, 56, 0) == 0 or die "getattr: $!\\n"; print((unpack("LLQlLQQQLL", $b))[5]);`,
  ].join(' ');
}

/** Thread `tid`'s slice as sched_getattr reports it, in ns. */
export function readSchedSlice(tid: number): number {
  const calls = syscallsHere();
  const script = `my $b = "\\0" x 56; syscall(${calls.get}, $ARGV[0]+0, $b, 56, 0) == 0 or die "getattr: $!\\n"; print((unpack("LLQlLQQQLL", $b))[5]);`;
  return Number(execFileSync('perl', ['-e', script, String(tid)], { encoding: 'utf8' }));
}

function syscallsHere(): { get: number; set: number } {
  const calls = SYSCALLS[process.arch];
  if (process.platform !== 'linux' || !calls) throw new Error(`no sched_setattr number for ${process.platform}/${process.arch}`);
  return calls;
}

/** Sets thread `tid`'s slice to `ns` (0: back to the default); returns the slice the kernel reports after. */
export function setSchedSlice(tid: number, ns: number, resetOnFork: boolean): number {
  const calls = syscallsHere();
  return Number(execFileSync('perl', ['-e', perlScript(calls.get, calls.set), String(tid), String(ns), resetOnFork ? '1' : '0'], { encoding: 'utf8' }));
}
