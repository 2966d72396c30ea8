import { cpus, freemem, totalmem } from 'node:os';
import type { FigureLog } from './figures';

/** Machines differ a lot in speed; every run says which one produced its numbers. */
export function recordMachine(log: FigureLog): void {
  const cores = cpus();
  log.record('machine.cpu_model', cores[0]?.model.trim() ?? 'unknown', 'text');
  log.record('machine.cores', cores.length, 'cores');
  log.record('machine.memory', totalmem() / 2 ** 20, 'MB');
  log.record('machine.memory_free', freemem() / 2 ** 20, 'MB');
  log.record('machine.node', process.version, 'text');
}
