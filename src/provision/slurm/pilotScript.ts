import { quoteArg, type SlurmClusterSpec } from '../../shared';
import { needsInsecureHttp } from './pilotRelay';

/** The Slurm job name of a cluster's pilots: squeue and scancel find them by it. */
export const pilotJobName = (cluster: string): string => `gantry-pilot-${cluster}`;

/** Where a cluster's pilots keep their files on the login node (a home shared with the compute nodes). */
export interface PilotPaths {
  /** `~/.gantry/slurm/NAME` */
  root: string;
  tokenFile: string;
  node: string;
  agentFile: string;
}

export interface PilotScriptInput {
  spec: SlurmClusterSpec;
  paths: PilotPaths;
  /** The coordinator as the compute nodes reach it. A login node's relay is plain http on the cluster's network, so pilots are told that is meant (--insecure-http). */
  url: string;
  /** Array tasks to start. */
  count: number;
}

/** The #SBATCH lines every pilot of the cluster shares. */
function sbatchOptions(spec: SlurmClusterSpec, paths: PilotPaths, count: number): string[] {
  const lines = [
    `--job-name=${pilotJobName(spec.name)}`,
    `--array=0-${count - 1}`,
    `--output=${paths.root}/logs/pilot-%A_%a.log`,
    `--time=${spec.time_limit_min}`,
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${spec.cpus_per_pilot}`,
  ];
  if (spec.memory_mb_per_pilot !== null) lines.push(`--mem=${spec.memory_mb_per_pilot}M`);
  if (spec.gpus_per_pilot > 0) lines.push(`--gres=gpu:${spec.gpus_per_pilot}`);
  if (spec.partition) lines.push(`--partition=${spec.partition}`);
  if (spec.account) lines.push(`--account=${spec.account}`);
  if (spec.qos) lines.push(`--qos=${spec.qos}`);
  return lines.map((line) => `#SBATCH ${line}`);
}

/**
 * The batch script of a job array of pilots: each task execs one agent (exec, so Slurm's SIGTERM
 * on scancel or pre-emption reaches the agent, which hands its jobs back). The enrolment token is
 * read from a 0600 file, never put on a command line; each pilot registers for its own worker
 * credential, kept in its own spool dir. The wall time's end is taken from the task's start.
 */
export function pilotScript(input: PilotScriptInput): string {
  const { spec, paths } = input;
  const q = quoteArg;
  const jobsPerPilot = spec.jobs_per_pilot ?? spec.cpus_per_pilot;
  return [
    '#!/bin/sh',
    ...sbatchOptions(spec, paths, input.count),
    'task="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"',
    `wall_end=$(( $(date +%s) + ${spec.time_limit_min * 60} ))`,
    `exec ${q(paths.node)} ${q(paths.agentFile)} --url ${q(input.url)}${needsInsecureHttp(input.url) ? ' --insecure-http' : ''} --token-file ${q(paths.tokenFile)} \\`,
    `  --name ${q(`${spec.name}-`)}"$task" --tags ${q(`slurm:${spec.name}`)} --spool-dir ${q(`${paths.root}/spool/`)}"$task" \\`,
    `  --max-jobs ${jobsPerPilot} --idle-exit ${spec.idle_timeout_s} --wall-end "$wall_end" --wind-down ${spec.wind_down_s} --hand-back ${spec.hand_back_s}`,
    '',
  ].join('\n');
}
