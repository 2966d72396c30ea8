import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GANTRY_CLIENT = fileURLToPath(new URL('./gantryClient.ts', import.meta.url));
/** Linux's clock ticks per second, the unit of /proc/PID/stat times (USER_HZ, 100 on every mainstream build). */
const CLOCK_TICKS = 100;

/** One client's transfer: its wall time as it measured it, and the CPU its process used. */
export interface Transfer {
  seconds: number;
  clientCpuSeconds: number;
}

/** Runs a client process and returns what it printed on stdout; a non-zero exit is an error with its stderr. */
function runClient(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`))));
  });
}

/** Gantry's client in a process of its own; it times itself and counts its own CPU. */
export async function gantryTransfer(args: string[]): Promise<Transfer> {
  const out = await runClient(process.execPath, ['--import', 'tsx', GANTRY_CLIENT, ...args]);
  const reported = JSON.parse(out.trim().split('\n').pop() ?? '') as { seconds: number; cpuSeconds: number };
  return { seconds: reported.seconds, clientCpuSeconds: reported.cpuSeconds };
}

/**
 * curl, timed by its own `time_total` (connect to last byte). Its CPU is read from the shell that
 * waited for it: the children's user and system time in the shell's /proc/PID/stat.
 */
export async function curlTransfer(args: string[]): Promise<Transfer> {
  const script = 'curl --silent --show-error --fail --write-out "%{time_total}" "$@" || exit $?; echo; cat /proc/$$/stat';
  const [timeTotal, stat] = (await runClient('sh', ['-c', script, 'sh', ...args])).trim().split('\n');
  // The fields after the command name's closing parenthesis; cutime and cstime are the 16th and 17th of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { seconds: Number(timeTotal), clientCpuSeconds: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS };
}

/**
 * Flushes dirty pages before a timed transfer, so one transfer's writeback is not paid by the next
 * (each writes 1 GiB; the kernel flushes in the background once a tenth of memory is dirty).
 */
export function flushDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}
