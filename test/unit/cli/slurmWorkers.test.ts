import { describe, expect, it } from 'vitest';
import { formatWorkerTable } from '../../../src/cli/format/workers';
import type { Worker } from '../../../src/shared';

const worker = (name: string, extra: Partial<Worker> = {}): Worker => ({
  id: `id-${name}`, name, hostname: 'n1', cpus: 2, memory_mb: 4096, gpus: [], tags: [], version: '', state: 'online', stop_requested: false, registered_at: 0, last_seen_at: 0, running: 0, ...extra,
});

describe('the workers table with Slurm pilots', () => {
  it('shows each pilot\'s array task and squeue state beside it', () => {
    const table = formatWorkerTable([worker('box'), worker('big-12_0', { slurm: { cluster: 'big', job_id: '12_0', state: 'RUNNING', reason: null } })], 0);
    expect(table.split('\n')[0]).toMatch(/SEEN\s+SLURM$/);
    expect(table).toMatch(/big-12_0 .* 12_0 RUNNING$/m);
    expect(table).toMatch(/^id-box .* -$/m);
  });

  it('has no Slurm column without pilots', () => {
    expect(formatWorkerTable([worker('box')], 0)).not.toContain('SLURM');
  });
});
