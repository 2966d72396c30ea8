import { Field, invalidClass } from './Field';
import { ParamsEditor } from './ParamsEditor';
import { SubmitPreview } from './SubmitPreview';
import type { SubmitFormState } from './useSubmitForm';

/** The command or template, the sweep's parameters, and the live preview. */
export function CommandCard({ state }: { state: SubmitFormState }) {
  const { form, set, setCommand, field, preview } = state;
  const sweep = form.mode === 'sweep';
  const name = sweep ? 'template' : 'command';
  return (
    <div className="card" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Field label={sweep ? 'Command template — {name} is replaced by each value' : 'Command'} name={name} bad={field}>
        <input
          className={`mono ${invalidClass(field, name) ?? ''}`}
          aria-label={sweep ? 'Command template' : 'Command'}
          placeholder={sweep ? 'python train.py --lr {lr} --seed {seed}' : 'python train.py --lr 1e-3'}
          value={form.command}
          onChange={(e) => setCommand(e.target.value)}
          autoFocus
        />
      </Field>
      {!sweep && (
        <label className="check">
          <input type="checkbox" checked={form.shell} onChange={(e) => set('shell', e.target.checked)} /> Run through <code>sh -c</code> (pipes, redirects,
          $VARS); otherwise the words are passed as argv, quotes respected, nothing expanded
        </label>
      )}
      {sweep && <ParamsEditor state={state} />}
      <SubmitPreview preview={preview} hasCommand={form.command.trim() !== ''} />
    </div>
  );
}
