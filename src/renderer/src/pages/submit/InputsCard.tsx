import { formatBytes } from '../../../../shared';
import { Field, invalidClass } from './Field';
import type { SubmitFormState } from './useSubmitForm';

/** Files staged into each job's directory before it starts (`--input`): stored ones by reference, and files attached from this browser. */
export function InputsCard({ state }: { state: SubmitFormState }) {
  const { form, set, field, files, setFiles } = state;
  return (
    <div className="card" data-testid="inputs-card">
      <h2>Inputs</h2>
      <div className="form-grid">
        <Field label="Stored inputs" name="inputs" bad={field} hint="one per line: dataset:NAME, model:NAME[@VERSION], JOB:PATH; a zip or tar is extracted">
          <textarea className={invalidClass(field, 'inputs')} rows={2} placeholder="none" value={form.inputs} onChange={(e) => set('inputs', e.target.value)} />
        </Field>
        <Field label="Attach files" name="attach" hint="uploaded as datasets when you submit (once per content), then staged like the others">
          <input type="file" multiple aria-label="Attach input files" onChange={(e) => setFiles([...files, ...Array.from(e.target.files ?? [])])} />
        </Field>
        <label className="field">
          <span>After the attempt</span>
          <span>
            <input type="checkbox" checked={form.keepInputs} onChange={(e) => set('keepInputs', e.target.checked)} /> keep staged inputs in the job directory
          </span>
        </label>
      </div>
      {files.length > 0 && (
        <ul className="plain-list" data-testid="attached-files">
          {files.map((file, i) => (
            <li key={`${file.name}-${i}`}>
              <span className="mono">{file.name}</span> <span className="subtle">{formatBytes(file.size)}</span>{' '}
              <button className="small ghost" onClick={() => setFiles(files.filter((_, j) => j !== i))} aria-label={`Remove ${file.name}`}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
