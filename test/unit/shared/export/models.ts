import { modelFromSubmit, modelFromSweep, type JobModel } from '../../../../src/shared';

/** The three jobs every format is checked on: a GPU job with secrets and retries, a CPU shell job, a sweep. */
export function gpuJob(): JobModel {
  return modelFromSubmit({
    project: 'vision',
    name: 'train resnet',
    command: ['python', 'train.py', '--data', '/data/imagenet', '--note', "it's fine"],
    cwd: '/shared/exp',
    env: { WANDB_PROJECT: 'resnet', WANDB_API_KEY: 'must-not-appear', HF_HOME: '/shared/hf' },
    secret_env: ['HF_HOME'],
    requirements: { gpus: 2, cpus: 8, memory_mb: 32_000 },
    timeout_s: 90_061,
    max_attempts: 3,
  });
}

export function cpuJob(): JobModel {
  return modelFromSubmit({
    command: { shell: 'python prep.py | tee "prep log.txt"' },
    cwd: '/home/me/exp',
    cwd_machine: 'laptop',
    requirements: { cpus: 0.5, memory_mb: 512 },
  });
}

export function sweep(): JobModel {
  return modelFromSweep({
    project: 'vision',
    name: 'lr-sweep',
    template: ['python', 'train.py', '--lr', '{lr}', '--seed', '{seed}'],
    params: { lr: [0.001, 0.0003], seed: [1, 2] },
    requirements: { gpus: 1, memory_mb: 16_000 },
    max_attempts: 2,
  });
}

export const MODELS = { gpu: gpuJob, cpu: cpuJob, sweep } as const;
