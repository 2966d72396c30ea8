import { StringDecoder } from 'node:string_decoder';
import type { MetricPoint } from '../../shared';

const PREFIX = '::metric ';
/** A line longer than this is no metric line; dropping its head keeps a runaway line from growing memory. */
const MAX_LINE = 64 * 1024;

/** A whole number from 0 up, else null: what `step` and `epoch` must be to count. */
function counter(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * Reads `::metric {"step": 10, "epoch": 2, "loss": 0.31}` into points: `step` and `epoch` place them,
 * every other finite number is a point.
 */
export function parseMetricLine(line: string, at: number): MetricPoint[] {
  // A progress bar redraws with \r; only the text after the last \r is what the line finally says.
  const text = line.slice(line.lastIndexOf('\r') + 1).trim();
  if (!text.startsWith(PREFIX)) return [];
  let record: unknown;
  try {
    record = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return [];
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return [];
  const fields = record as Record<string, unknown>;
  const step = counter(fields.step);
  const epoch = counter(fields.epoch);
  const points: MetricPoint[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'step' || name === 'epoch' || name.length === 0 || name.length > 200) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    points.push({ step, epoch, name, value, at });
  }
  return points;
}

/** Splits a byte stream into lines across chunk boundaries and hands back the metric points they carry. */
export class MetricLineReader {
  private partial = '';
  /**
   * Keeps a multi-byte character split across two chunks whole. Made at the first output: many
   * short jobs print nothing on stdout, and need none.
   */
  private decoder: StringDecoder | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  write(bytes: Buffer): MetricPoint[] {
    this.decoder ??= new StringDecoder('utf8');
    const text = this.partial + this.decoder.write(bytes);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE) this.partial = '';
    return lines.flatMap((line) => parseMetricLine(line, this.now()));
  }

  /** The job ended: a last line without a newline still counts. */
  end(): MetricPoint[] {
    if (!this.decoder) return [];
    const last = this.partial + this.decoder.end();
    this.partial = '';
    return parseMetricLine(last, this.now());
  }
}
