import { Field, invalidClass } from './Field';
import type { SubmitFormState } from './useSubmitForm';

/** Placement on an SSH host (`--host`) and the directory copied there first (`--sync`). */
export function HostCard({ state }: { state: SubmitFormState }) {
  const { form, set, field } = state;
  const cls = (name: string) => invalidClass(field, name);
  return (
    <div className="card">
      <h2>Host</h2>
      <div className="form-grid">
        <Field label="Host" name="host" bad={field} hint="a host of the Hosts page; the jobs run on its workers">
          <input className={cls('host')} placeholder="any worker" value={form.host} onChange={(e) => set('host', e.target.value)} />
        </Field>
        <Field label="Sync directory" name="sync" bad={field} hint="a directory on the coordinator's machine (minus .gitignore matches), copied to the host first, or without a host packed once for any worker; the jobs run in a copy">
          <input className={cls('sync')} placeholder="none" value={form.syncDir} onChange={(e) => set('syncDir', e.target.value)} />
        </Field>
      </div>
    </div>
  );
}
