import { join } from 'node:path';
import type { Command } from 'commander';
import type { KubernetesClusterAdd } from '../../shared';
import { addConnectionFlags, connect, defaultDataDir, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { clusterLine } from '../format/kubernetes';
import { integerArg, positiveNumberArg } from '../jobFlags';

/** Adding runs kubectl twice on the coordinator's machine and starts the bridge worker. */
const K8S_CALL_MS = 120_000;

interface AddFlags extends ConnectionFlags {
  context: string;
  namespace: string;
  image: string;
  maxJobs: number;
  gpus: number;
  gpuModel: string;
  gpuMem: number;
  cpus: number;
  mem: number;
  pilotImage?: string;
  pilotUrl?: string;
  minPilots?: number;
  maxPilots?: number;
  jobsPerPilot?: number;
  pilotCpus?: number;
  pilotMem?: number;
  pilotGpus?: number;
  idleTimeout?: number;
  runaiProject?: string;
}

/** Pilot flags left out keep the server's defaults. */
function clusterBody(name: string, flags: AddFlags): KubernetesClusterAdd {
  const body: KubernetesClusterAdd = {
    name, context: flags.context, namespace: flags.namespace, image: flags.image, max_jobs: flags.maxJobs,
    gpus: flags.gpus, gpu_model: flags.gpuModel, gpu_memory_mb: flags.gpuMem, cpus: flags.cpus, memory_mb: flags.mem,
  };
  const set = <K extends keyof KubernetesClusterAdd>(key: K, value: KubernetesClusterAdd[K] | undefined): void => {
    if (value !== undefined) body[key] = value;
  };
  set('pilot_image', flags.pilotImage);
  set('pilot_url', flags.pilotUrl);
  set('min_pilots', flags.minPilots);
  set('max_pilots', flags.maxPilots);
  set('jobs_per_pilot', flags.jobsPerPilot);
  set('pilot_cpus', flags.pilotCpus);
  set('pilot_memory_mb', flags.pilotMem);
  set('pilot_gpus', flags.pilotGpus);
  set('idle_timeout_s', flags.idleTimeout);
  if (flags.runaiProject !== undefined) Object.assign(body, { backend: 'runai', runai_project: flags.runaiProject });
  return body;
}

function registerAdd(k8s: Command, context: CliContext): void {
  const add = k8s
    .command('add')
    .summary("add a cluster (a kubeconfig context and namespace), or update it in place; the coordinator starts its bridge worker")
    .argument('<name>', 'a name for the cluster; jobs go there with --k8s NAME --direct')
    .requiredOption('--context <ctx>', 'the kubeconfig context kubectl uses on the coordinator\'s machine (your credentials; nothing is copied)')
    .option('--namespace <ns>', 'namespace of the Jobs', 'default')
    .requiredOption('--image <image>', 'the container image jobs run in')
    .option('--max-jobs <n>', 'jobs running at once at most', integerArg(1), 8)
    .option('--gpus <n>', 'GPUs the cluster may give Gantry jobs at once', integerArg(0), 0)
    .option('--gpu-model <name>', 'their model, matched by --gpu-model requirements', 'GPU')
    .option('--gpu-mem <mb>', 'memory of one GPU in MB', integerArg(1), 81_920)
    .option('--cpus <n>', 'CPUs the cluster may give Gantry jobs at once', positiveNumberArg, 32)
    .option('--mem <mb>', 'memory in MB the cluster may give Gantry jobs at once', integerArg(1), 131_072)
    .option('--max-pilots <n>', 'pilot mode: most pilot agents at once, as an Indexed Job following demand (default 0: off)', integerArg(0))
    .option('--min-pilots <n>', 'pilots kept even with no demand (default 0)', integerArg(0))
    .option('--pilot-url <url>', 'the coordinator as pods reach it (pilot mode needs it)')
    .option('--pilot-image <image>', 'image the pilots run the agent in: any with node 20+ (default node:20-slim)')
    .option('--jobs-per-pilot <n>', 'jobs one pilot runs at once (default 1)', integerArg(1))
    .option('--pilot-cpus <n>', 'CPUs per pilot pod (default 1)', integerArg(1))
    .option('--pilot-mem <mb>', 'memory per pilot pod in MB (default 2048)', integerArg(64))
    .option('--pilot-gpus <n>', 'GPUs per pilot pod (default 0)', integerArg(0))
    .option('--idle-timeout <s>', 'a pilot with nothing to run exits after S seconds (default 300)', integerArg(1))
    .option('--runai-project <project>', 'run direct jobs as Run:ai workloads in this project through the runai CLI, instead of Kubernetes Jobs through kubectl');
  addConnectionFlags(add);
  add.action(async (name: string, flags: AddFlags) => {
    const { client } = await connect(flags, context);
    const cluster = await client.call('addK8sCluster', { body: clusterBody(name, flags) }, K8S_CALL_MS);
    printLine(context.stdout, `added ${clusterLine(cluster)}`);
  });
}

/** A bridge worker in this process, for debugging: the coordinator already runs one per cluster. */
function registerRun(k8s: Command, context: CliContext): void {
  const run = k8s
    .command('run')
    .summary("run a cluster's bridge worker here, for debugging (the coordinator runs one by itself)")
    .argument('<name>')
    .option('--poll <ms>', "how often a Job's state is read", integerArg(100), 2_000)
    .option('--quiet', 'log warnings and errors only');
  addConnectionFlags(run);
  run.action(async (name: string, flags: ConnectionFlags & { poll: number; quiet?: boolean }) => {
    const { client, connection } = await connect(flags, context);
    const cluster = await client.call('getK8sCluster', { params: { name } });
    const { startBridgeWorker, stderrLogger } = await import('../../agent');
    const spoolDir = join(flags.dataDir ?? defaultDataDir(context.env, context.homeDir), `k8s-${name}-debug`);
    const agent = await startBridgeWorker(cluster, { url: connection.url, token: connection.token, spoolDir, logger: stderrLogger({ quiet: flags.quiet ?? false }), pollMs: flags.poll });
    printLine(context.stderr, `worker k8s-${name} runs jobs submitted with --k8s ${name} --direct as Kubernetes Jobs (context ${cluster.context}, namespace ${cluster.namespace}); Ctrl-C stops it`);
    const stop = (): void => void agent.stop({ graceful: true });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await agent.stopped;
  });
}

export function registerK8s(program: Command, context: CliContext): void {
  const k8s = program.command('k8s').summary('Kubernetes clusters that run jobs as Kubernetes Jobs through kubectl');
  registerAdd(k8s, context);

  const ls = k8s.command('ls', { isDefault: true }).summary('list clusters').option('--json', 'print them as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const { client } = await connect(flags, context);
    const clusters = await client.call('listK8sClusters', {});
    if (flags.json) return printJson(context, clusters);
    printLine(context.stdout, clusters.length ? clusters.map(clusterLine).join('\n') : 'no Kubernetes clusters (gantry k8s add NAME --context CTX --image IMAGE)');
  });

  const rm = k8s.command('rm').summary("forget a cluster: its bridge worker stops and hands its jobs back (Jobs it started are deleted)").argument('<name>');
  addConnectionFlags(rm);
  rm.action(async (name: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    await client.call('removeK8sCluster', { params: { name } });
    printLine(context.stdout, `removed ${name}`);
  });

  registerRun(k8s, context);
}
