import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The main process's own log (start-up and shutdown failures), beside the console output that a
 * packaged app has nowhere to show. One line per entry: ISO time, then the message.
 */
export function createMainLog(logsDir: string, now: () => Date = () => new Date()): (message: string, error?: unknown) => void {
  const file = join(logsDir, 'main.log');
  return (message, error) => {
    const detail = error instanceof Error ? `: ${error.stack ?? error.message}` : error === undefined ? '' : `: ${String(error)}`;
    const line = `${now().toISOString()} ${message}${detail}`;
    console.error(line);
    appendFileSync(file, `${line}\n`);
  };
}
