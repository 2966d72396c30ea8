import { useSubmitForm } from './submit/useSubmitForm';
import { CommandCard } from './submit/CommandCard';
import { ResourcesCard } from './submit/ResourcesCard';
import { PreemptionCard } from './submit/PreemptionCard';
import { HostCard } from './submit/HostCard';
import { InputsCard } from './submit/InputsCard';
import { SchedulingCard } from './submit/SchedulingCard';

export function SubmitPage() {
  const state = useSubmitForm();
  const { form, setMode, preview, submitting, submit, reset } = state;
  const sweep = form.mode === 'sweep';
  return (
    <div className="page" style={{ maxWidth: 1100 }}>
      <div className="page-head">
        <h1>Submit</h1>
        <div className="seg" role="group" aria-label="What to submit">
          <button className={!sweep ? 'on' : ''} aria-pressed={!sweep} onClick={() => setMode('single')}>
            One command
          </button>
          <button className={sweep ? 'on' : ''} aria-pressed={sweep} onClick={() => setMode('sweep')}>
            Template sweep
          </button>
        </div>
      </div>
      <CommandCard state={state} />
      <ResourcesCard state={state} />
      <SchedulingCard state={state} />
      <HostCard state={state} />
      <InputsCard state={state} />
      <PreemptionCard state={state} />
      <div className="toolbar">
        <button className="primary" disabled={submitting || !preview.ok} onClick={submit} data-testid="submit">
          {submitting ? 'Submitting…' : preview.ok && preview.count > 1 ? `Submit ${preview.count.toLocaleString()} jobs` : 'Submit job'}
        </button>
        <button className="ghost" onClick={reset}>
          Reset
        </button>
      </div>
    </div>
  );
}
