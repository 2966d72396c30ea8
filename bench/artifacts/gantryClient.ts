/**
 * Gantry's side of the artifacts bench, run as a process of its own as the CLI and the agent are
 * (curl is one too): `up URL TOKEN JOB FILE NAME` or `down URL TOKEN JOB NAME DEST`. Prints
 * `{"seconds", "cpuSeconds"}` of the transfer alone, timed from inside as curl's `time_total` is,
 * so neither side counts its process start; CPU is this process's, every thread of it.
 */
import { downloadArtifact, uploadArtifact } from '../../src/agent';

const [direction, baseUrl, token, job, ...rest] = process.argv.slice(2);
const endpoint = { baseUrl, token };
const jobId = Number(job);
const start = performance.now();
const cpuBefore = process.cpuUsage();
if (direction === 'up') await uploadArtifact(endpoint, { jobId, path: rest[0], name: rest[1] });
else if (direction === 'down') await downloadArtifact(endpoint, jobId, rest[0], rest[1]);
else throw new Error(`up or down, not ${direction}`);
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
