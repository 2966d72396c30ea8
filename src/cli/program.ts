import { Command } from 'commander';
import { registerArtifacts } from './commands/artifacts';
import { registerAuthLog } from './commands/authLog';
import { registerModels } from './commands/models';
import { registerDatasets } from './commands/datasets';
import { registerCancel } from './commands/cancel';
import { registerChat } from './commands/chat';
import { registerClear } from './commands/clear';
import { registerExport } from './commands/export';
import { registerHosts } from './commands/hosts';
import { registerK8s } from './commands/k8s';
import { registerLogs } from './commands/logs';
import { registerLs } from './commands/ls';
import { registerMetrics } from './commands/metrics';
import { registerPriority } from './commands/priority';
import { registerRetry } from './commands/retry';
import { registerPreempt } from './commands/preempt';
import { registerProjects } from './commands/projects';
import { registerRm } from './commands/rm';
import { registerServe } from './commands/serve';
import { registerShow } from './commands/show';
import { registerSlurm } from './commands/slurm';
import { registerStats } from './commands/stats';
import { registerMaintenance } from './commands/maintenance';
import { registerMcp } from './commands/mcp';
import { registerNotify } from './commands/notify';
import { registerSubmit } from './commands/submit';
import { registerSuites } from './commands/suites';
import { registerSweep } from './commands/sweep';
import { registerTokens } from './commands/tokens';
import { registerWait } from './commands/wait';
import { registerWhy } from './commands/why';
import { registerWorkers } from './commands/workers';
import type { CliContext } from './context';
import { EXIT_CODES_HELP } from './exitCodes';
import { escapeControlKeepLines } from './format/terminalText';

const CONNECTION_HELP = `Connection: --url/--token, else $GANTRY_URL/$GANTRY_TOKEN, else the server.json and admin-token
that \`gantry serve\` writes to its data dir ($GANTRY_DATA_DIR, $XDG_DATA_HOME/gantry or ~/.local/share/gantry).`;

export function createProgram(context: CliContext, version: string): Command {
  const program = new Command('gantry')
    .description('Queue experiments on your machines and watch them run.')
    .version(version)
    // Program flags only before the command name, so `submit -- cmd --flag` reaches the job untouched.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(escapeControlKeepLines(text)),
      writeErr: (text) => context.stderr.write(escapeControlKeepLines(text)),
    })
    .addHelpText('after', `\n${CONNECTION_HELP}\n\n${EXIT_CODES_HELP}\n`);
  registerServe(program, context, version);
  registerMcp(program, context, version);
  for (const register of [
    registerSubmit,
    registerSweep,
    registerLs,
    registerShow,
    registerWhy,
    registerLogs,
    registerMetrics,
    registerArtifacts,
    registerModels,
    registerDatasets,
    registerWait,
    registerCancel,
    registerRetry,
    registerPreempt,
    registerRm,
    registerPriority,
    registerClear,
    registerProjects,
    registerWorkers,
    registerHosts,
    registerSlurm,
    registerTokens,
    registerAuthLog,
    registerStats,
    registerMaintenance,
    registerNotify,
    registerExport,
    registerK8s,
    registerChat,
    registerSuites,
  ]) {
    register(program, context);
  }
  return program;
}
