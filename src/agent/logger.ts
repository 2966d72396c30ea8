import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/** The agent logs through this; the Electron local worker passes its own. */
export interface AgentLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Whether stderr is a file or a device that is not a terminal (`2> agent.log`, /dev/null), which
 * node writes synchronously anyway; a pipe, socket or terminal goes through process.stderr.
 */
function stderrIsSyncFile(): boolean {
  try {
    const stat = fstatSync(2);
    return (stat.isFile() || stat.isCharacterDevice()) && !isatty(2);
  } catch {
    return false;
  }
}

/**
 * Writes a line to stderr. To a file, the same synchronous write node's stream makes, without the
 * stream around it: the agent logs two lines per job, and the stream's machinery cost ~30 µs of CPU
 * per job (bench/README.md, e2e.agent.cpu_ms_per_job). A line that cannot be written (a full disk) is
 * lost rather than stopping the agent and its jobs.
 */
function stderrWriter(): (line: string) => void {
  if (!stderrIsSyncFile()) return (line) => void process.stderr.write(line);
  return (line) => {
    try {
      writeSync(2, line);
    } catch {
      // Nowhere left to report it.
    }
  };
}

/**
 * JSON lines on stderr, so a host's `nohup … 2> agent.log` keeps a greppable record.
 * `quiet` drops the per-job info lines (for the local worker inside `gantry serve`, whose terminal shows its banner).
 */
export function stderrLogger(options: { quiet?: boolean } = {}): AgentLogger {
  const writeLine = stderrWriter();
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => writeLine(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return { info: options.quiet ? () => {} : write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: AgentLogger = { info: () => {}, warn: () => {}, error: () => {} };
