import { describe, expect, it } from 'vitest';
import { agentNiceSteps, AGENT_NICE_ENV, DEFAULT_AGENT_NICE } from '../../../../src/agent/jobs/spawnHelper/agentPriority';

describe('agentNiceSteps', () => {
  it('takes the default steps (none) when neither --nice nor the environment says otherwise', () => {
    expect(agentNiceSteps(undefined, undefined)).toBe(DEFAULT_AGENT_NICE);
    expect(DEFAULT_AGENT_NICE).toBe(0);
    expect(agentNiceSteps(undefined, '')).toBe(DEFAULT_AGENT_NICE);
  });

  it('takes --nice over the environment variable, and the variable over the default', () => {
    expect(agentNiceSteps('3', '12')).toBe(3);
    expect(agentNiceSteps(undefined, '12')).toBe(12);
    expect(agentNiceSteps('0', undefined)).toBe(0);
    expect(agentNiceSteps('19', undefined)).toBe(19);
  });

  it('refuses anything but a whole number from 0 to 19, naming where it came from', () => {
    for (const bad of ['20', '-1', '1.5', 'ten', ' ']) expect(() => agentNiceSteps(bad, undefined)).toThrow(/^--nice must be a whole number from 0 to 19/);
    expect(() => agentNiceSteps(undefined, 'high')).toThrow(new RegExp(`^${AGENT_NICE_ENV} must be a whole number from 0 to 19, got "high"`));
  });
});
