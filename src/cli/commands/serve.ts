import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultDataDir } from '../connection';
import { printLine, type CliContext } from '../context';
import { CliError, EXIT } from '../exitCodes';
import { integerArg } from '../jobFlags';
import { PACKAGE_ROOT } from '../packageRoot';
import { startGantry, type RunningGantry } from '../serve/startGantry';

interface ServeFlags {
  dataDir?: string;
  host: string;
  port: number;
  localWorker: boolean;
  webRoot?: string;
  metricsOpen?: boolean;
  allowedHost: string[];
}

export const DEFAULT_PORT = 7878;
const BUILT_WEB_ROOT = join(PACKAGE_ROOT, 'out', 'web');

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function portArg(text: string): number {
  const port = integerArg(0)(text);
  if (port > 65_535) throw new InvalidArgumentError('ports go up to 65535');
  return port;
}

function describe(running: RunningGantry, dataDir: string): string[] {
  const lines = [`Gantry is running at ${running.url}`];
  // The token is printed (and put in the console address) only when it was just created, as the
  // banner says; afterwards it stays in the data dir, out of terminal scrollback and browser history.
  if (running.tokenCreated) {
    lines.push(`  console:  ${running.localUrl}/?token=${encodeURIComponent(running.token)}`);
    lines.push(`  token:    ${running.token}`, `            (admin token, shown once; saved to ${running.tokenPath})`);
  } else {
    lines.push(`  console:  ${running.localUrl}/   (sign in with the admin token)`, `  token:    in ${running.tokenPath}`);
  }
  lines.push(`  worker:   ${running.spoolDir ? `local, spool in ${running.spoolDir}` : 'none (--no-local-worker)'}`);
  lines.push(`  data:     ${dataDir}`);
  lines.push(`  secrets:  ${running.secretsPath} (plain text, protected only by file mode 0600; the desktop app encrypts them with the OS keychain)`);
  lines.push('Press Ctrl-C to stop.');
  return lines;
}

/** Resolves after the first SIGINT/SIGTERM has shut everything down; a second one SIGKILLs running jobs, a third exits at once. */
function stopOnSignal(running: RunningGantry, context: CliContext): Promise<void> {
  return new Promise((resolve, reject) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals === 1) {
        printLine(context.stderr, `${signal}: stopping (running jobs get SIGTERM and their results are saved; again to kill them now)`);
        running.stop({ graceful: true }).then(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        }, reject);
      } else if (signals === 2) {
        printLine(context.stderr, `${signal}: killing running jobs`);
        running.stop({ graceful: false }).catch(reject);
      } else {
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function registerServe(program: Command, context: CliContext, version: string): void {
  program
    .command('serve')
    .summary('run the coordinator, the API and web console, and a local worker')
    .option('--data-dir <dir>', 'database, logs and admin token (default: $GANTRY_DATA_DIR, else $XDG_DATA_HOME/gantry, else ~/.local/share/gantry)')
    .option('--host <host>', 'address to listen on; anything but loopback exposes the API to your network', '127.0.0.1')
    .option('--port <n>', 'port to listen on; 0 picks a free one', portArg, DEFAULT_PORT)
    .option('--no-local-worker', 'do not run jobs on this machine')
    .option('--web-root <dir>', 'built web console to serve (default: out/web when it exists)')
    .option('--metrics-open', 'serve GET /metrics without a token to callers on loopback (a local Prometheus); others still need an admin or metrics token')
    .option('--allowed-host <name>', 'a host name browsers may reach this server by, besides localhost and IP addresses (repeatable; DNS-rebinding defence)', collect, [])
    .action(async (flags: ServeFlags) => {
      const dataDir = flags.dataDir ?? defaultDataDir(context.env, context.homeDir);
      const webRoot = flags.webRoot ?? (existsSync(BUILT_WEB_ROOT) ? BUILT_WEB_ROOT : undefined);
      let running: RunningGantry;
      try {
        running = await startGantry({
          dataDir,
          host: flags.host,
          port: flags.port,
          localWorker: flags.localWorker,
          webRoot,
          allowedHosts: flags.allowedHost,
          workerName: 'local',
          logLevel: context.env.GANTRY_LOG_LEVEL ?? 'warn',
          version,
          metricsOpen: flags.metricsOpen === true,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CliError(EXIT.usage, `${flags.host}:${flags.port} is in use (another gantry serve?); choose another with --port`);
        }
        throw error;
      }
      if (running.tightened.length > 0) {
        printLine(context.stderr, `warning: ${running.tightened.length} path(s) in ${dataDir} were readable by other users; made owner-only (0700/0600), e.g. ${running.tightened[0]}`);
      }
      // Handlers first: a script may send the signal the moment it reads the banner.
      const stopped = stopOnSignal(running, context);
      for (const line of describe(running, dataDir)) printLine(context.stdout, line);
      await stopped;
      printLine(context.stderr, 'stopped');
    });
}
