import { useState } from 'react';
import { useJobs } from '../stores/jobs';
import { api, describeError } from '../api/client';
import { bulkSummary, runBulk } from '../logic/bulk';
import { useToasts } from '../stores/toasts';

type Action = 'cancel' | 'retry' | 'priority';

export function BulkBar() {
  const selection = useJobs((s) => s.selection);
  const clearSelection = useJobs((s) => s.clearSelection);
  const [priority, setPriority] = useState('10');
  const [busy, setBusy] = useState<Action | null>(null);
  if (selection.size === 0) return null;

  const run = async (action: Action) => {
    const ids = [...selection];
    setBusy(action);
    const result = await runBulk(
      ids,
      (id) => {
        if (action === 'cancel') return api().call('cancelJob', { params: { id } });
        if (action === 'retry') return api().call('retryJob', { params: { id } });
        return api().call('setPriority', { params: { id }, body: { priority: Number(priority) } });
      },
      (error) => describeError(error).message,
    );
    setBusy(null);
    const verb = { cancel: 'Cancelled', retry: 'Retried', priority: 'Re-prioritised' }[action];
    useToasts.getState().push({ kind: result.refused.length ? 'error' : 'success', message: bulkSummary(verb, result) });
    if (!result.refused.length) clearSelection();
  };

  return (
    <div className="bulkbar" data-testid="bulk-bar">
      <strong>{selection.size} selected</strong>
      <button className="danger" disabled={busy !== null} onClick={() => run('cancel')}>
        Cancel
      </button>
      <button disabled={busy !== null} onClick={() => run('retry')}>
        Retry
      </button>
      <span className="subtle">Priority</span>
      <input aria-label="New priority" type="number" value={priority} onChange={(e) => setPriority(e.target.value)} style={{ width: 80 }} />
      <button disabled={busy !== null || priority.trim() === ''} onClick={() => run('priority')}>
        Set priority
      </button>
      <span style={{ flex: 1 }} />
      <button className="ghost" onClick={clearSelection}>
        Clear <kbd>Esc</kbd>
      </button>
    </div>
  );
}
