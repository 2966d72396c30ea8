import { describeValues } from '../../logic/params';
import type { SubmitFormState } from './useSubmitForm';
import { hits } from './useSubmitForm';

/** The sweep's parameter rows and whether they combine as a grid or zip. */
export function ParamsEditor({ state }: { state: SubmitFormState }) {
  const { form, set, field, preview } = state;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }} data-field="params">
      <div className="page-head">
        <h3 style={{ margin: 0 }}>Parameters</h3>
        <span className="subtle small">
          values: a list <code>1e-3, 3e-4</code>, a range <code>1..5</code>, a stepped range <code>0..100..10</code>
        </span>
        <span className="spacer" />
        <div className="seg" role="group" aria-label="Combine parameters">
          <button className={form.sweepMode === 'grid' ? 'on' : ''} onClick={() => set('sweepMode', 'grid')} title="Every combination">
            Grid
          </button>
          <button className={form.sweepMode === 'zip' ? 'on' : ''} onClick={() => set('sweepMode', 'zip')} title="The i-th value of each list together">
            Zip
          </button>
        </div>
      </div>
      {form.params.map((row, i) => {
        const update = (patch: Partial<typeof row>) => set('params', form.params.map((r, j) => (j === i ? { ...r, ...patch } : r)));
        const bad = hits(field, `params.${row.name.trim()}`) || (field === 'params' && !preview.ok);
        return (
          <div key={i} className="param-row">
            <input aria-label={`Parameter ${i + 1} name`} placeholder="name" className={`mono ${bad ? 'invalid' : ''}`} value={row.name} onChange={(e) => update({ name: e.target.value })} />
            <input aria-label={`Parameter ${i + 1} values`} placeholder="1e-3, 3e-4" className={`mono ${bad ? 'invalid' : ''}`} value={row.values} onChange={(e) => update({ values: e.target.value })} />
            <span className="subtle small">{describeValues(row.values)}</span>
            <button className="ghost small" aria-label={`Remove parameter ${i + 1}`} onClick={() => set('params', form.params.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        );
      })}
      <div>
        <button className="small" onClick={() => set('params', [...form.params, { name: '', values: '' }])}>
          + Parameter
        </button>
      </div>
    </div>
  );
}
