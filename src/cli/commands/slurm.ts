import type { Command } from 'commander';
import type { SlurmClusterAdd } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { describeCluster, formatClusterTable } from '../format/slurm';
import { integerArg } from '../jobFlags';

/** Adding looks at the cluster over SSH (squeue) and may install the agent on the login node. */
const SLURM_CALL_MS = 300_000;

interface AddFlags extends ConnectionFlags {
  login: string;
  partition?: string;
  account?: string;
  qos?: string;
  time?: number;
  minPilots?: number;
  maxPilots?: number;
  maxGpus?: number;
  cpus?: number;
  mem?: number;
  gpus?: number;
  jobsPerPilot?: number;
  idleTimeout?: number;
  windDown?: number;
  handBack?: number;
  relay?: string;
}

/** Flags left out keep the server's defaults. */
function clusterBody(name: string, flags: AddFlags): SlurmClusterAdd {
  const body: SlurmClusterAdd = { name, login: flags.login };
  const set = <K extends keyof SlurmClusterAdd>(key: K, value: SlurmClusterAdd[K] | undefined): void => {
    if (value !== undefined) body[key] = value;
  };
  set('partition', flags.partition);
  set('account', flags.account);
  set('qos', flags.qos);
  set('time_limit_min', flags.time);
  set('min_pilots', flags.minPilots);
  set('max_pilots', flags.maxPilots);
  set('max_gpus', flags.maxGpus);
  set('cpus_per_pilot', flags.cpus);
  set('memory_mb_per_pilot', flags.mem);
  set('gpus_per_pilot', flags.gpus);
  set('jobs_per_pilot', flags.jobsPerPilot);
  set('idle_timeout_s', flags.idleTimeout);
  set('wind_down_s', flags.windDown);
  set('hand_back_s', flags.handBack);
  set('relay', flags.relay);
  return body;
}

function registerAdd(slurm: Command, context: CliContext): void {
  const add = slurm
    .command('add')
    .summary('add a Slurm cluster (or update it in place); pilots are submitted with sbatch on its login node as jobs wait for it')
    .argument('<name>', 'a name for the cluster; jobs submitted with --slurm NAME run on its pilots')
    .requiredOption('--login <host>', 'its login node: a host of `gantry hosts`')
    .option('--partition <name>', 'sbatch --partition')
    .option('--account <name>', 'sbatch --account')
    .option('--qos <name>', 'sbatch --qos')
    .option('--time <minutes>', 'wall time of each pilot (default 60)', integerArg(1))
    .option('--min-pilots <n>', 'pilots kept even with no demand (default 0)', integerArg(0))
    .option('--max-pilots <n>', 'most pilots at once (default 4)', integerArg(1))
    .option('--max-gpus <n>', 'most GPUs all pilots hold together', integerArg(0))
    .option('--cpus <n>', 'CPUs per pilot (default 1)', integerArg(1))
    .option('--mem <mb>', 'memory per pilot in MB (default: the partition default)', integerArg(1))
    .option('--gpus <n>', 'GPUs per pilot (--gres=gpu:N; default 0)', integerArg(0))
    .option('--jobs-per-pilot <n>', 'jobs one pilot runs at once (default: its CPUs)', integerArg(1))
    .option('--idle-timeout <s>', 'a pilot with nothing to run exits after S seconds (default 300)', integerArg(1))
    .option('--wind-down <s>', 'a pilot stops claiming S seconds before its wall time ends (default 300)', integerArg(0))
    .option('--hand-back <s>', 'and hands back what still runs S seconds before (default 60)', integerArg(0))
    .option('--relay <host[:port]>', "pilots reach the coordinator through a relay on the login node listening here (its address as compute nodes reach it), piped to the coordinator's SSH forward; default: GANTRY_ADVERTISE_URL");
  addConnectionFlags(add);
  add.action(async (name: string, flags: AddFlags) => {
    const { client } = await connect(flags, context);
    printLine(context.stdout, describeCluster(await client.call('addSlurmCluster', { body: clusterBody(name, flags) }, SLURM_CALL_MS)));
  });
}

export function registerSlurm(program: Command, context: CliContext): void {
  const slurm = program.command('slurm').summary('Slurm clusters whose pilot agents run your jobs: add, ls, show, rm');

  const ls = slurm.command('ls', { isDefault: true }).summary('list clusters, their demand and pilots (the default)').option('--json', 'print the clusters as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listSlurmClusters');
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatClusterTable(list));
  });

  const show = slurm.command('show').summary('a cluster and each pilot: Slurm job id, state, reason, worker').argument('<name>', 'cluster name').option('--json', 'print it as JSON');
  addConnectionFlags(show);
  show.action(async (name: string, flags: ConnectionFlags & { json?: boolean }) => {
    const { client } = await connect(flags, context);
    const cluster = await client.call('getSlurmCluster', { params: { name } });
    if (flags.json) printJson(context, cluster);
    else printLine(context.stdout, describeCluster(cluster));
  });

  registerAdd(slurm, context);

  const rm = slurm.command('rm').summary("cancel the cluster's pilots (scancel), revoke their token and forget it").argument('<name>', 'cluster name');
  addConnectionFlags(rm);
  rm.action(async (name: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const result = await client.call('removeSlurmCluster', { params: { name } }, SLURM_CALL_MS);
    printLine(context.stdout, `cluster ${name}: removed (${result.cancelled_pilots} pilot(s) cancelled)`);
  });
}
