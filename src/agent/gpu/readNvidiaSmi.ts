import { execFile } from 'node:child_process';
import { QUERY_APPS_FIELDS, QUERY_GPU_FIELDS, parseComputeApps, parseGpuQuery, type ComputeApp, type GpuReading } from './parseNvidiaSmi';

export interface NvidiaSmiReading {
  gpus: GpuReading[];
  apps: ComputeApp[];
}

/** A wedged driver can hang nvidia-smi for minutes; telemetry must not hang with it. */
const TIMEOUT_MS = 15_000;

interface RunResult {
  stdout: string;
  /** Set when the binary is missing: the host has no NVIDIA driver. */
  missing: boolean;
}

function run(binary: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, missing: false });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve({ stdout: '', missing: true });
      // "No devices were found" comes with exit code 6; the parser reads it as zero GPUs.
      const text = `${stdout}\n${stderr}`;
      if (/no devices were found/i.test(text)) return resolve({ stdout: text, missing: false });
      reject(new Error(`${binary} failed: ${(stderr || stdout || error.message).trim().slice(0, 500)}`));
    });
  });
}

/** Reads GPUs and the processes on them; an empty reading when the host has no NVIDIA GPU or driver. */
export async function readNvidiaSmi(binary: string): Promise<NvidiaSmiReading> {
  const gpuRun = await run(binary, [`--query-gpu=${QUERY_GPU_FIELDS.join(',')}`, '--format=csv,noheader,nounits']);
  if (gpuRun.missing) return { gpus: [], apps: [] };
  const gpus = parseGpuQuery(gpuRun.stdout);
  if (gpus.length === 0) return { gpus, apps: [] };
  const appsRun = await run(binary, [`--query-compute-apps=${QUERY_APPS_FIELDS.join(',')}`, '--format=csv,noheader,nounits']);
  return { gpus, apps: parseComputeApps(appsRun.stdout) };
}
