// Types only (erased at build): the manifest is checked field by field against the Kubernetes API's own shapes.
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { ValidationError } from '../errors';
import { commandArgv, paramEnv, plainEnv, type JobModel } from './jobModel';
import { sweepCaseLines } from './shellScript';

export type KubernetesJob = IJob;

export interface KubernetesOptions {
  /** The container image the job runs in: Gantry jobs have none, so the caller names it. */
  image: string;
  namespace?: string;
  /** The Job's name; default: `gantry-` + job id + a slug of the job's name. */
  name?: string;
  /** Pods of a sweep running at once; default: all of them. */
  parallelism?: number;
  /** The Secret holding the values of the job's secret env names, one key per name; default: `<name>-env`. */
  secretName?: string;
  /** The coordinator's URL, written as an annotation so a pod can be traced back to its Gantry job. */
  gantryUrl?: string;
}

/** The longest Job name whose Indexed pods' hostnames (`name-index`) and `job-name` labels stay valid. */
const MAX_NAME = 52;
const LABEL_DOMAIN = 'gantry.dev';

function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

/** A label value: at most 63 of `[A-Za-z0-9_.-]`, starting and ending alphanumeric. */
function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function kubernetesJobName(model: JobModel, options: Pick<KubernetesOptions, 'name'> = {}): string {
  if (options.name !== undefined) {
    if (options.name.length > MAX_NAME || !DNS_LABEL.test(options.name)) {
      throw new ValidationError(`name: a Kubernetes Job name is at most ${MAX_NAME} lowercase letters, digits and -, starting and ending with a letter or digit`, 'name');
    }
    return options.name;
  }
  const id = model.tasks.length === 1 && model.tasks[0].jobId !== null ? `${model.tasks[0].jobId}-` : '';
  return slug(`gantry-${id}${model.name}`, MAX_NAME) || 'gantry-job';
}

/** CPUs as a quantity: whole cores as integers, fractions in millicores. */
function cpuQuantity(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : `${Math.ceil(cpus * 1000)}m`;
}

/**
 * Requests what the job declares. Memory and GPUs are also limits (extended resources such as
 * nvidia.com/gpu must have limit = request; a memory limit keeps a pod to what it was placed
 * with); CPU is left unlimited because a CPU limit throttles data loaders without saving anything.
 */
function resources(model: JobModel): IResourceRequirements {
  const req = model.requirements;
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (req.cpus > 0) requests.cpu = cpuQuantity(req.cpus);
  if (req.memory_mb > 0) requests.memory = limits.memory = `${req.memory_mb}Mi`;
  if (req.gpus > 0) requests['nvidia.com/gpu'] = limits['nvidia.com/gpu'] = String(req.gpus);
  return { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}

function envVars(model: JobModel, secretName: string): IEnvVar[] {
  const params = model.sweep ? {} : paramEnv(model.tasks[0].params);
  return [
    ...plainEnv(model).map(([name, value]) => ({ name, value })),
    ...model.secretEnv.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } })),
    ...Object.entries(params).map(([name, value]) => ({ name, value })),
  ];
}

/** A single job runs its own argv; a sweep's pods pick their point by JOB_COMPLETION_INDEX. */
function containerCommand(model: JobModel): string[] {
  if (!model.sweep) return commandArgv(model.tasks[0].command);
  return ['/bin/sh', '-c', sweepCaseLines(model, 'JOB_COMPLETION_INDEX').join('\n')];
}

function labels(model: JobModel): Record<string, string> {
  const result: Record<string, string> = { 'app.kubernetes.io/managed-by': 'gantry', [`${LABEL_DOMAIN}/project`]: labelValue(model.project) || 'default' };
  const [only] = model.tasks;
  if (model.tasks.length === 1 && only.jobId !== null) result[`${LABEL_DOMAIN}/job-id`] = String(only.jobId);
  return result;
}

function annotations(model: JobModel, options: KubernetesOptions): Record<string, string> {
  const result: Record<string, string> = { [`${LABEL_DOMAIN}/name`]: model.name };
  const ids = model.tasks.flatMap((task) => (task.jobId === null ? [] : [task.jobId]));
  if (options.gantryUrl && ids.length === 1) result[`${LABEL_DOMAIN}/url`] = `${options.gantryUrl.replace(/\/+$/, '')}/api/v1/jobs/${ids[0]}`;
  if (model.requirements.gpu_memory_mb !== null) result[`${LABEL_DOMAIN}/gpu-memory-mb`] = String(model.requirements.gpu_memory_mb);
  return result;
}

/**
 * A `batch/v1` Job for the model: pods that never restart in place (the Job controller retries,
 * `max_attempts - 1` times, per index for a sweep), the job's timeout as each pod's deadline,
 * and an Indexed Job with one completion per sweep point.
 */
export function formatKubernetesJob(model: JobModel, options: KubernetesOptions): KubernetesJob {
  if (!options.image.trim()) throw new ValidationError('image: give the container image the job runs in', 'image');
  const name = kubernetesJobName(model, options);
  const podLabels = labels(model);
  const retries = model.maxAttempts - 1;
  const count = model.tasks.length;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}), labels: podLabels, annotations: annotations(model, options) },
    spec: {
      ...(model.sweep
        ? { completionMode: 'Indexed', completions: count, parallelism: Math.min(options.parallelism ?? count, count), backoffLimitPerIndex: retries }
        : { backoffLimit: retries }),
      template: {
        // A copy, so a YAML writer prints the labels twice rather than as an anchor and an alias.
        metadata: { labels: { ...podLabels } },
        spec: {
          restartPolicy: 'Never',
          ...(model.timeoutS ? { activeDeadlineSeconds: model.timeoutS } : {}),
          containers: [
            {
              name: 'job',
              image: options.image,
              command: containerCommand(model),
              ...(model.cwd ? { workingDir: model.cwd } : {}),
              env: envVars(model, options.secretName ?? `${name}-env`),
              resources: resources(model),
            },
          ],
        },
      },
    },
  };
}
