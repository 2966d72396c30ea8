import { execFile } from 'node:child_process';
import { parseCpuList } from './cpuList';

// eslint-disable-next-line no-control-regex -- nvidia-smi underlines the header with escape codes
const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns are tab-separated; older drivers (and output passed through a terminal) pad with spaces instead. */
function cells(line: string): string[] {
  return line.split(line.includes('\t') ? '\t' : / {2,}/).map((cell) => cell.trim());
}

/**
 * The cores closest to each GPU, from the `CPU Affinity` column of `nvidia-smi topo -m`. Rows
 * other than GPUs (NICs) and the legend are skipped; a GPU whose affinity is `N/A` gets none.
 * Pinned by test/fixtures/nvidia-smi/topo-*.txt, which were written by hand to the format
 * nvidia-smi prints (tabs, the underlined header, NIC rows, N/A), not recorded: no machine Gantry
 * was built on had a GPU. Replace them with real output when one is at hand (see the README there).
 */
export function parseGpuAffinity(text: string): Map<number, number[]> {
  const lines = text.replace(ANSI, '').split('\n');
  const affinity = new Map<number, number[]>();
  const headerAt = lines.findIndex((line) => line.includes('CPU Affinity'));
  if (headerAt < 0) return affinity;
  const header = cells(lines[headerAt]);
  const column = header.indexOf('CPU Affinity');
  for (const line of lines.slice(headerAt + 1)) {
    if (line.trim() === '') break;
    const row = cells(line);
    const gpu = /^GPU(\d+)$/.exec(row[0]);
    if (!gpu || row[column] === undefined) continue;
    try {
      const cores = parseCpuList(row[column]);
      if (cores.length > 0) affinity.set(Number(gpu[1]), cores);
    } catch {
      // N/A or a format we do not know: that GPU simply has no preferred cores.
    }
  }
  return affinity;
}

/** Runs `nvidia-smi topo -m`; a host without it (or without GPUs) has no GPU affinity. */
export function readGpuAffinity(nvidiaSmi: string): Promise<Map<number, number[]>> {
  return new Promise((resolve) => {
    execFile(nvidiaSmi, ['topo', '-m'], { timeout: 10_000 }, (error, stdout) => resolve(error ? new Map() : parseGpuAffinity(stdout)));
  });
}
