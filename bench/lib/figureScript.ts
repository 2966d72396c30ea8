import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Figure, FigureLog } from './figures';

/**
 * Runs a TypeScript bench script in a fresh Node process and records the figure lines it prints.
 * Used where a figure belongs to a process of its own, e.g. the RSS of a coordinator that has
 * just opened a large database, which the benchmark's own heap would otherwise inflate.
 */
export async function runFigureScript(log: FigureLog, script: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const parsed = parseFigure(line);
    if (parsed) log.record(parsed.figure, parsed.value, parsed.unit);
    else process.stderr.write(`${line}\n`);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
}

function parseFigure(line: string): Figure | null {
  try {
    const value = JSON.parse(line) as Partial<Figure>;
    if (typeof value.figure === 'string' && typeof value.unit === 'string' && (typeof value.value === 'number' || typeof value.value === 'string')) {
      return { figure: value.figure, value: value.value, unit: value.unit };
    }
  } catch {
    // not JSON: the script's own output, passed on as it is below
  }
  return null;
}
