import { Field, invalidClass } from './Field';
import type { SubmitFormState } from './useSubmitForm';

/** Priority, attempts, timeout, dependencies, naming and the job's environment. */
export function SchedulingCard({ state }: { state: SubmitFormState }) {
  const { form, set, field } = state;
  const cls = (name: string) => invalidClass(field, name);
  return (
    <div className="card">
      <h2>Scheduling</h2>
      <div className="form-grid">
        <Field label="Priority (higher first)" name="priority" bad={field}>
          <input type="number" className={cls('priority')} value={form.priority} onChange={(e) => set('priority', e.target.value)} />
        </Field>
        <Field label="Attempts" name="max_attempts" bad={field}>
          <input type="number" min={1} className={cls('max_attempts')} value={form.maxAttempts} onChange={(e) => set('maxAttempts', e.target.value)} />
        </Field>
        <Field label="Timeout (s)" name="timeout_s" bad={field}>
          <input type="number" min={1} placeholder="none" className={cls('timeout_s')} value={form.timeoutS} onChange={(e) => set('timeoutS', e.target.value)} />
        </Field>
        <Field label="Depends on (job ids)" name="depends_on" bad={field}>
          <input placeholder="12, 13" className={cls('depends_on')} value={form.dependsOn} onChange={(e) => set('dependsOn', e.target.value)} />
        </Field>
        <Field label="Project" name="project" bad={field}>
          <input className={cls('project')} value={form.project} onChange={(e) => set('project', e.target.value)} />
        </Field>
        <Field label="Name" name="name" bad={field}>
          <input placeholder={form.mode === 'sweep' ? 'named after the params' : 'from the command'} className={cls('name')} value={form.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <Field label="Working directory (on the worker)" name="cwd" bad={field}>
          <input className={`mono ${cls('cwd') ?? ''}`} placeholder="agent's default" value={form.cwd} onChange={(e) => set('cwd', e.target.value)} />
        </Field>
      </div>
      <div style={{ marginTop: 12 }}>
        <Field label="Environment (NAME=value per line)" name="env" bad={field}>
          <textarea rows={2} className={cls('env')} value={form.env} onChange={(e) => set('env', e.target.value)} placeholder="WANDB_MODE=offline" />
        </Field>
      </div>
    </div>
  );
}
