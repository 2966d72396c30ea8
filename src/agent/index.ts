export { startAgent, type Agent, type AgentOptions } from './agent';
export type { JobProcess, JobProcessSpec, JobExit, LogStream, SpawnJob } from './jobs/jobProcess';
export { spawnPipedJob } from './jobs/spawnPipedJob';
export { JobProcessEvents, killGroup } from './jobs/jobProcessEvents';
export { stderrLogger, type AgentLogger } from './logger';
export { kubernetesSpawnJob, attemptJobName, type KubernetesSpawnOptions } from './kubernetes/kubernetesJobProcess';
export { runKubectl, type KubectlTarget } from './kubernetes/kubectl';
