import { describe, expect, it } from 'vitest';
import { jobEnvironment } from '../../../../src/agent/jobs/jobEnvironment';
import { makeClaimed } from './claimedJob';

describe('jobEnvironment', () => {
  const base = { PATH: '/usr/bin', HOME: '/home/ada', SECRET_KEY: 'hunter2', GANTRY_TOKEN: 'agent-secret', LC_ALL: 'C' };

  it("passes the allow-listed part of a base the agent gives every job, or all of it but Gantry's own with inherit", () => {
    const claimed = makeClaimed({ command: ['true'] });
    for (let i = 0; i < 2; i++) {
      const env = jobEnvironment(claimed, 'http://127.0.0.1:7878', { base });
      expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/ada', LC_ALL: 'C', GANTRY_TOKEN: 'job-token' });
      expect(env.SECRET_KEY).toBeUndefined();
      const inherited = jobEnvironment(claimed, 'http://127.0.0.1:7878', { base, inherit: true });
      expect(inherited).toMatchObject({ SECRET_KEY: 'hunter2', GANTRY_TOKEN: 'job-token' });
    }
  });

  it("gives each job an environment of its own: one job's variables never reach the next's", () => {
    const first = jobEnvironment(makeClaimed({ id: 1, command: ['true'], env: { DATASET: 'a' } }), 'http://127.0.0.1:7878', { base, checkpointDir: '/ckpt/1' });
    first.EXTRA = 'changed by a spawner';
    const second = jobEnvironment(makeClaimed({ id: 2, command: ['true'] }), 'http://127.0.0.1:7878', { base });
    expect(second).not.toHaveProperty('DATASET');
    expect(second).not.toHaveProperty('EXTRA');
    expect(second).not.toHaveProperty('GANTRY_CHECKPOINT_DIR');
    expect(second.GANTRY_JOB_ID).toBe('2');
  });
});
