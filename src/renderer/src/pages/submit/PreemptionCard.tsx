import { CheckpointSignal } from '../../../../shared';
import type { SubmitForm } from '../../logic/submitForm';
import { Field, invalidClass } from './Field';
import type { SubmitFormState } from './useSubmitForm';

/** Whether the job may be checkpointed and stopped for higher-priority work; empty fields take the project's defaults. */
export function PreemptionCard({ state }: { state: SubmitFormState }) {
  const { form, set, field } = state;
  const cls = (name: string) => invalidClass(field, name);
  return (
    <div className="card">
      <h2>Preemption</h2>
      <div className="form-grid">
        <Field label="Preemptible" name="preemptible" bad={field} hint="stopped for a higher-priority job; re-queues without spending an attempt">
          <select className={cls('preemptible')} value={form.preemptible} onChange={(e) => set('preemptible', e.target.value as SubmitForm['preemptible'])}>
            <option value="project">project default</option>
            <option value="yes">yes</option>
            <option value="no">no</option>
          </select>
        </Field>
        <Field label="Checkpoint signal" name="checkpoint_signal" bad={field}>
          <select className={cls('checkpoint_signal')} value={form.checkpointSignal} onChange={(e) => set('checkpointSignal', e.target.value as SubmitForm['checkpointSignal'])}>
            <option value="">project default</option>
            {CheckpointSignal.options.map((signal) => (
              <option key={signal} value={signal}>
                {signal}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Grace (s)" name="grace_s" bad={field} hint="between the signal and SIGTERM">
          <input type="number" min={0} placeholder="project default" className={cls('grace_s')} value={form.graceS} onChange={(e) => set('graceS', e.target.value)} />
        </Field>
        <Field label="Minimum runtime (s)" name="min_runtime_s" bad={field} hint="before it may be preempted">
          <input type="number" min={0} placeholder="project default" className={cls('min_runtime_s')} value={form.minRuntimeS} onChange={(e) => set('minRuntimeS', e.target.value)} />
        </Field>
      </div>
    </div>
  );
}
