import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/exitCodes';
import { resolveWorker } from '../../../src/cli/workers/resolveWorker';
import type { Worker } from '../../../src/shared';

const worker = (id: string, name: string, state: Worker['state']): Worker => ({ id, name, state }) as Worker;
const WORKERS = [worker('w-old', 'local', 'offline'), worker('w-new', 'local', 'online'), worker('w-gpu', 'gpu-box', 'draining'), worker('w-a', 'twin', 'online'), worker('w-b', 'twin', 'online')];

describe('resolveWorker', () => {
  it('finds a worker by id', () => {
    expect(resolveWorker(WORKERS, 'w-old').id).toBe('w-old');
  });

  it('finds a worker by name, preferring the registration that is not offline', () => {
    expect(resolveWorker(WORKERS, 'local').id).toBe('w-new');
    expect(resolveWorker(WORKERS, 'gpu-box').id).toBe('w-gpu');
    expect(resolveWorker([worker('w-old', 'local', 'offline')], 'local').id).toBe('w-old');
  });

  it('asks for an id when a name is ambiguous, and lists names when none matches', () => {
    expect(() => resolveWorker(WORKERS, 'twin')).toThrow('2 workers are named "twin"; give an id: w-a, w-b');
    expect(() => resolveWorker(WORKERS, 'nobody')).toThrow(CliError);
    expect(() => resolveWorker(WORKERS, 'nobody')).toThrow('workers: local, gpu-box, twin');
  });
});
