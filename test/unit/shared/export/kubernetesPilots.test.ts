import { gunzipSync, gzipSync } from 'node:zlib';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { describe, expect, it } from 'vitest';
import { formatKubernetesPilots, wantedPilotCount, type KubernetesPilotsInput } from '../../../../src/shared';

const INPUT: KubernetesPilotsInput = {
  cluster: 'lab',
  namespace: 'research',
  image: 'node:20-slim',
  count: 3,
  url: 'http://gantry.lab:8080',
  token: 'gwrk_enrol-secret',
  agentBundleGzipBase64: Buffer.from('gzipped').toString('base64'),
  cpus: 2,
  memoryMb: 4096,
  gpus: 1,
  jobsPerPilot: 2,
  idleTimeoutS: 120,
};

describe('pilot agents as a Kubernetes Indexed Job', () => {
  it('validates against the batch/v1 Job, v1 ConfigMap and v1 Secret schemas', () => {
    const [configMap, secret, job] = formatKubernetesPilots(INPUT).items;
    new ConfigMap(configMap).validate();
    new Secret(secret).validate();
    new Job(job).validate();
  });

  it('runs K pods of the bundled agent, scaled by parallelism and completions together, with the GPUs asked', () => {
    const job = formatKubernetesPilots(INPUT).items[2];
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimit: 0 });
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('node:20-slim');
    expect(container?.resources?.limits).toMatchObject({ 'nvidia.com/gpu': '1', memory: '4096Mi' });
    const script = container?.command?.[2] ?? '';
    expect(script).toContain('--token-file /gantry/secret/token');
    expect(script).toContain('--name "k8s-lab-$JOB_COMPLETION_INDEX" --tags k8s-pilot:lab');
    expect(script).toContain('--max-jobs 2 --idle-exit 120');
  });

  it('keeps the enrolment token in the Secret only, never in the Job (argv or env)', () => {
    const [, secret, job] = formatKubernetesPilots(INPUT).items;
    expect(secret.stringData).toEqual({ token: 'gwrk_enrol-secret' });
    expect(JSON.stringify(job)).not.toContain('gwrk_enrol-secret');
    expect(job.spec?.template.spec?.volumes).toContainEqual({ name: 'token', secret: { secretName: 'gantry-pilots-lab-token', defaultMode: 0o400 } });
  });

  it('delivers the agent gzipped in a ConfigMap, which holds at most 1 MiB', () => {
    const bundle = Buffer.from('console.log("agent")\n'.repeat(50_000));
    const packed = formatKubernetesPilots({ ...INPUT, agentBundleGzipBase64: gzipSync(bundle).toString('base64') }).items[0];
    const data = packed.binaryData?.['gantry-agent.js.gz'] ?? '';
    expect(gunzipSync(Buffer.from(data, 'base64')).equals(bundle)).toBe(true);
    expect(data.length).toBeLessThan(1024 * 1024);
  });
});

describe('wantedPilotCount, shared by Slurm and Kubernetes pilots', () => {
  it.each([
    [{ min: 0, max: 4, perPilot: 1 }, 0, 0],
    [{ min: 1, max: 4, perPilot: 1 }, 0, 1],
    [{ min: 0, max: 4, perPilot: 1 }, 3, 3],
    [{ min: 0, max: 4, perPilot: 2 }, 3, 2],
    [{ min: 0, max: 4, perPilot: 1 }, 100, 4],
  ])('for limits %o and demand %i wants %i pilots', (limits, demand, wanted) => {
    expect(wantedPilotCount(limits, demand)).toBe(wanted);
  });
});
