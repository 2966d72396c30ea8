// Types only (erased at build): the manifests are checked field by field against the Kubernetes API's own shapes.
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';

export interface KubernetesPilotsInput {
  cluster: string;
  namespace: string;
  /** Any image with `node` (20 or later) on PATH: the agent is one bundled file with no native modules. */
  image: string;
  /** Pilots to run now: the Indexed Job's parallelism and completions. */
  count: number;
  /** The coordinator as pods reach it. */
  url: string;
  /** The enrolment token each pilot registers with (for its own worker credential); it goes in the Secret only. */
  token: string;
  /** The agent bundle, gzipped then base64: a ConfigMap holds at most 1 MiB, and the plain bundle is about that. */
  agentBundleGzipBase64: string;
  cpus: number;
  memoryMb: number;
  gpus: number;
  jobsPerPilot: number;
  idleTimeoutS: number;
}

/** Names of a cluster's pilot objects: kubectl finds, scales and deletes them by these. */
export const pilotObjects = (cluster: string): { job: string; configMap: string; secret: string } => ({
  job: `gantry-pilots-${cluster}`,
  configMap: `gantry-pilots-${cluster}-agent`,
  secret: `gantry-pilots-${cluster}-token`,
});

/** The tag of jobs for a cluster's pilots (`gantry submit --k8s NAME` without --direct). */
export const kubernetesPilotTag = (cluster: string): string => `k8s-pilot:${cluster}`;

const AGENT_DIR = '/gantry/agent';
const SECRET_DIR = '/gantry/secret';

/**
 * Unpacks the agent with node itself (no gzip needed in the image) and execs it, so the kubelet's
 * SIGTERM reaches the agent, which hands its jobs back. The token is read from the mounted Secret,
 * never from argv or env; the pod's index names the worker.
 */
function pilotCommand(input: KubernetesPilotsInput): string {
  const unpack = `node -e "process.stdout.write(require('zlib').gunzipSync(require('fs').readFileSync('${AGENT_DIR}/gantry-agent.js.gz')))" > /tmp/gantry-agent.js`;
  const agent = [
    'exec node /tmp/gantry-agent.js --url "$GANTRY_URL"',
    `--token-file ${SECRET_DIR}/token`,
    `--name "k8s-${input.cluster}-$JOB_COMPLETION_INDEX"`,
    `--tags ${kubernetesPilotTag(input.cluster)}`,
    '--spool-dir /tmp/gantry-spool',
    `--max-jobs ${input.jobsPerPilot}`,
    `--idle-exit ${input.idleTimeoutS}`,
  ].join(' ');
  return `${unpack} && ${agent}`;
}

function labels(cluster: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'gantry', 'app.kubernetes.io/component': 'pilot', 'gantry.dev/cluster': cluster };
}

function pilotJob(input: KubernetesPilotsInput): IJob {
  const names = pilotObjects(input.cluster);
  const limits: Record<string, string> = { memory: `${input.memoryMb}Mi` };
  if (input.gpus > 0) limits['nvidia.com/gpu'] = String(input.gpus);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.job, namespace: input.namespace, labels: labels(input.cluster), annotations: { 'gantry.dev/name': `pilots-${input.cluster}` } },
    spec: {
      completionMode: 'Indexed',
      // Elastic Indexed Job: parallelism and completions move together, so scaling is one apply.
      completions: input.count,
      parallelism: input.count,
      // A pilot that exits idle or fails is not restarted by Kubernetes: the next scaling decides.
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(input.cluster) },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'pilot',
              image: input.image,
              command: ['sh', '-c', pilotCommand(input)],
              env: [{ name: 'GANTRY_URL', value: input.url }],
              resources: { requests: { cpu: String(input.cpus), memory: `${input.memoryMb}Mi` }, limits },
              volumeMounts: [
                { name: 'agent', mountPath: AGENT_DIR, readOnly: true },
                { name: 'token', mountPath: SECRET_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'agent', configMap: { name: names.configMap } },
            { name: 'token', secret: { secretName: names.secret, defaultMode: 0o400 } },
          ],
        },
      },
    },
  };
}

/** What one `kubectl apply` of a cluster's pilots sends: the agent's ConfigMap, the token's Secret and the Indexed Job. */
export function formatKubernetesPilots(input: KubernetesPilotsInput): { apiVersion: 'v1'; kind: 'List'; items: [IConfigMap, ISecret, IJob] } {
  const names = pilotObjects(input.cluster);
  const meta = (name: string) => ({ name, namespace: input.namespace, labels: labels(input.cluster) });
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(names.configMap), binaryData: { 'gantry-agent.js.gz': input.agentBundleGzipBase64 } },
      { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: meta(names.secret), stringData: { token: input.token } },
      pilotJob(input),
    ],
  };
}
