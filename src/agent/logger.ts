/** The agent logs through this; the Electron local worker passes its own. */
export interface AgentLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * JSON lines on stderr, so a host's `nohup … 2> agent.log` keeps a greppable record.
 * `quiet` drops the per-job info lines (for the local worker inside `gantry serve`, whose terminal shows its banner).
 */
export function stderrLogger(options: { quiet?: boolean } = {}): AgentLogger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return { info: options.quiet ? () => {} : write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: AgentLogger = { info: () => {}, warn: () => {}, error: () => {} };
