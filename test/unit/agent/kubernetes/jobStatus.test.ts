import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerExitCode, jobPhase } from '../../../../src/agent/kubernetes/jobStatus';

const SCENARIOS = join(__dirname, '../../../fixtures/kubectl/scenarios');
const recorded = (path: string): unknown => JSON.parse(readFileSync(join(SCENARIOS, path), 'utf8'));

describe('jobPhase', () => {
  it.each([
    ['succeeds/get-job-1.json', { state: 'running' }],
    ['succeeds/get-job-3.json', { state: 'succeeded' }],
    ['fails/get-job-2.json', { state: 'failed', reason: 'BackoffLimitExceeded: Job has reached the specified backoff limit' }],
  ])('reads %s as %j', (path, phase) => {
    expect(jobPhase(recorded(path))).toEqual(phase);
  });

  it('waits for the Failed condition, not the failed pod counter, before calling a Job failed', () => {
    expect(jobPhase({ status: { active: 1, failed: 1, conditions: [{ type: 'FailureTarget', status: 'True' }] } })).toEqual({ state: 'running' });
    expect(jobPhase({ status: {} })).toEqual({ state: 'pending' });
  });
});

describe('containerExitCode', () => {
  it("reads the terminated container's exit code, and null when no container has ended", () => {
    expect(containerExitCode(recorded('fails/get-pods-1.json'))).toBe(3);
    expect(containerExitCode({ items: [{ status: { containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] } }] })).toBeNull();
    expect(containerExitCode({ items: [] })).toBeNull();
  });
});
