import type { Command } from 'commander';
import { addConnectionFlags, defaultDataDir, resolveConnection, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { CliError, EXIT, usageError } from '../exitCodes';
import { integerArg, positiveNumberArg } from '../jobFlags';
import { findCluster, parseCluster, readClusters, writeClusters, type KubernetesCluster } from '../k8s/clusterStore';

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
}

function dataDirOf(flags: ConnectionFlags, context: CliContext): string {
  return flags.dataDir ?? defaultDataDir(context.env, context.homeDir);
}

/** The context must exist in the user's kubeconfig and may create Jobs in the namespace; kubectl says which is wrong. */
async function checkAccess(cluster: KubernetesCluster): Promise<void> {
  // The agent layer is loaded only by the k8s commands, so other commands start without it.
  const { runKubectl } = await import('../../agent');
  const target = { context: cluster.context, namespace: cluster.namespace };
  const contexts = await runKubectl(target, ['config', 'get-contexts', cluster.context, '-o', 'name']);
  if (contexts.code !== 0 || contexts.stdout.trim() !== cluster.context) {
    throw usageError(`--context ${cluster.context}: not a context of your kubeconfig (kubectl config get-contexts)${contexts.code === null ? `: ${contexts.stderr.trim()}` : ''}`);
  }
  const allowed = await runKubectl(target, ['auth', 'can-i', 'create', 'jobs.batch']);
  if (allowed.stdout.trim() !== 'yes') throw new CliError(EXIT.apiRefused, `--namespace ${cluster.namespace}: context ${cluster.context} may not create Jobs there (kubectl auth can-i create jobs.batch)`);
}

function clusterLine(c: KubernetesCluster): string {
  const gpus = c.gpus > 0 ? `, ${c.gpus} × ${c.gpu_model} (${c.gpu_memory_mb} MB)` : '';
  return `${c.name}  context ${c.context}, namespace ${c.namespace}, image ${c.image}: up to ${c.max_jobs} jobs, ${c.cpus} CPU, ${c.memory_mb} MB${gpus}`;
}

export function registerK8s(program: Command, context: CliContext): void {
  const k8s = program.command('k8s').summary('Kubernetes clusters that run jobs as Kubernetes Jobs through kubectl');

  const add = k8s
    .command('add')
    .summary('add a cluster: a kubeconfig context and namespace')
    .argument('<name>', 'a name for the cluster; jobs go there with --k8s NAME --direct')
    .requiredOption('--context <ctx>', 'the kubeconfig context kubectl uses (your credentials; nothing is copied)')
    .option('--namespace <ns>', 'namespace of the Jobs', 'default')
    .requiredOption('--image <image>', 'the container image jobs run in')
    .option('--max-jobs <n>', 'jobs running at once at most', integerArg(1), 8)
    .option('--gpus <n>', 'GPUs the cluster may give Gantry jobs at once', integerArg(0), 0)
    .option('--gpu-model <name>', 'their model, matched by --gpu-model requirements', 'GPU')
    .option('--gpu-mem <mb>', 'memory of one GPU in MB', integerArg(1), 81_920)
    .option('--cpus <n>', 'CPUs the cluster may give Gantry jobs at once', positiveNumberArg, 32)
    .option('--mem <mb>', 'memory in MB the cluster may give Gantry jobs at once', integerArg(1), 131_072);
  addConnectionFlags(add);
  add.action(async (name: string, flags: AddFlags) => {
    const cluster = parseCluster({
      name, context: flags.context, namespace: flags.namespace, image: flags.image, max_jobs: flags.maxJobs,
      gpus: flags.gpus, gpu_model: flags.gpuModel, gpu_memory_mb: flags.gpuMem, cpus: flags.cpus, memory_mb: flags.mem,
    });
    await checkAccess(cluster);
    const dataDir = dataDirOf(flags, context);
    const others = (await readClusters(dataDir)).filter((c) => c.name !== name);
    await writeClusters(dataDir, [...others, cluster]);
    printLine(context.stdout, `added ${clusterLine(cluster)}\nrun its worker with: gantry k8s run ${name}`);
  });

  const ls = k8s.command('ls', { isDefault: true }).summary('list clusters').option('--json', 'print them as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const clusters = await readClusters(dataDirOf(flags, context));
    if (flags.json) return printJson(context, clusters);
    printLine(context.stdout, clusters.length ? clusters.map(clusterLine).join('\n') : 'no Kubernetes clusters (gantry k8s add NAME --context CTX --image IMAGE)');
  });

  const rm = k8s.command('rm').summary('forget a cluster (its running Jobs are left alone)').argument('<name>');
  addConnectionFlags(rm);
  rm.action(async (name: string, flags: ConnectionFlags) => {
    const dataDir = dataDirOf(flags, context);
    await findCluster(dataDir, name);
    await writeClusters(dataDir, (await readClusters(dataDir)).filter((c) => c.name !== name));
    printLine(context.stdout, `removed ${name}`);
  });

  const run = k8s
    .command('run')
    .summary("run a cluster's bridge worker: it claims the cluster's jobs and runs each as a Kubernetes Job")
    .argument('<name>')
    .option('--poll <ms>', "how often a Job's state is read", integerArg(100), 2_000)
    .option('--quiet', 'log warnings and errors only');
  addConnectionFlags(run);
  run.action(async (name: string, flags: ConnectionFlags & { poll: number; quiet?: boolean }) => {
    const dataDir = dataDirOf(flags, context);
    const cluster = await findCluster(dataDir, name);
    const connection = await resolveConnection(flags, context.env, context.homeDir);
    const { startBridgeWorker } = await import('../k8s/bridgeWorker');
    const agent = await startBridgeWorker(cluster, connection, { dataDir, pollMs: flags.poll, quiet: flags.quiet });
    printLine(context.stderr, `worker k8s-${name} runs jobs submitted with --k8s ${name} --direct as Kubernetes Jobs (context ${cluster.context}, namespace ${cluster.namespace}); Ctrl-C stops it`);
    const stop = (): void => void agent.stop({ graceful: true });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await agent.stopped;
  });
}
