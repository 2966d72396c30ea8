import { useState } from 'react';
import { FINAL_STATES, RETRYABLE_STATES, type Job } from '../../../../shared';
import { api } from '../../api/client';
import { toastError, toastSuccess } from '../../stores/toasts';

/** Cancel, retry and re-prioritise one job. */
export function JobActions({ job, onChanged }: { job: Job; onChanged(): void }) {
  const [priority, setPriority] = useState(String(job.priority));
  const act = async (label: string, run: () => Promise<unknown>) => {
    try {
      await run();
      toastSuccess(`${label} #${job.id}`);
      onChanged();
    } catch (error) {
      toastError(error, `${label} #${job.id} refused`);
    }
  };
  return (
    <div className="toolbar">
      {!FINAL_STATES.includes(job.state) && (
        <button className="danger" onClick={() => act('Cancelled', () => api().call('cancelJob', { params: { id: job.id } }))}>
          Cancel
        </button>
      )}
      {RETRYABLE_STATES.includes(job.state) && (
        <button onClick={() => act('Retried', () => api().call('retryJob', { params: { id: job.id } }))}>Retry</button>
      )}
      <span className="subtle small">Priority</span>
      <input aria-label="Priority" type="number" value={priority} onChange={(e) => setPriority(e.target.value)} style={{ width: 90 }} />
      <button
        disabled={priority === String(job.priority) || priority.trim() === ''}
        onClick={() => act('Re-prioritised', () => api().call('setPriority', { params: { id: job.id }, body: { priority: Number(priority) } }))}
      >
        Set priority
      </button>
    </div>
  );
}
