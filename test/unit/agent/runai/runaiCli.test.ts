import { describe, expect, it } from 'vitest';
import { runaiOutcome, runaiStatus } from '../../../../src/agent/runai/runaiCli';

// The table `runai list jobs -p PROJECT` prints (columns apart by two spaces or more).
const TABLE = `NAME            STATUS     AGE  NODE   IMAGE         TYPE   PROJECT   USER  GPUs Allocated (Requested)  PODs Running (Pending)  SERVICE URL(S)
gantry-7-1      Running    2m   node1  python:3.12   Train  research  ada   1 (1)                       1 (0)                   -
gantry-8-1      Succeeded  5m   node2  python:3.12   Train  research  ada   0 (1)                       0 (0)                   -
`;

describe('reading runai list jobs', () => {
  it("finds a workload's STATUS by its name", () => {
    expect(runaiStatus(TABLE, 'gantry-7-1')).toBe('Running');
    expect(runaiStatus(TABLE, 'gantry-8-1')).toBe('Succeeded');
  });

  it('says null for a workload the table does not list, or an empty answer', () => {
    expect(runaiStatus(TABLE, 'gantry-9-1')).toBeNull();
    expect(runaiStatus('', 'gantry-7-1')).toBeNull();
  });

  it('ends an attempt only on a final status', () => {
    expect(['Pending', 'ContainerCreating', 'Running'].map(runaiOutcome)).toEqual([null, null, null]);
    expect(['Succeeded', 'Completed', 'Failed', 'Error'].map(runaiOutcome)).toEqual(['succeeded', 'succeeded', 'failed', 'failed']);
  });
});
