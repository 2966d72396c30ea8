import { useMemo, useState, type ReactNode } from 'react';
import { GantryError } from '../../../shared';
import { api, describeError } from '../api/client';
import { navigate } from '../router';
import { useJobs } from '../stores/jobs';
import { toastError, toastSuccess } from '../stores/toasts';
import { buildSubmission, EMPTY_FORM, FormError, previewSubmission, type SubmitForm } from '../logic/submitForm';
import { describeValues, placeholders } from '../logic/params';
import { quoteArgv } from '../../../shared';

type Preview = { ok: true; count: number; commands: string[][] } | { ok: false; message: string; field?: string };

function computePreview(form: SubmitForm): Preview {
  try {
    const preview = previewSubmission(buildSubmission(form));
    return { ok: true, ...preview };
  } catch (error) {
    if (error instanceof FormError || error instanceof GantryError) return { ok: false, message: error.message, field: error.field };
    return { ok: false, message: describeError(error).message };
  }
}

/** Whether an API or form field name points at this input (`requirements.gpus` matches `requirements`). */
const hits = (field: string | undefined, name: string) => !!field && (field === name || field.startsWith(`${name}.`));

function Field({ label, name, bad, children, hint }: { label: string; name: string; bad?: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field" data-field={name} data-invalid={hits(bad, name) || undefined}>
      <span>{label}</span>
      {children}
      {hint && <span className="small">{hint}</span>}
    </label>
  );
}

export function SubmitPage() {
  const [form, setForm] = useState<SubmitForm>(EMPTY_FORM);
  const [badField, setBadField] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const set = <K extends keyof SubmitForm>(key: K, value: SubmitForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const preview = useMemo(() => computePreview(form), [form]);
  const field = badField ?? (preview.ok || !form.command.trim() ? undefined : preview.field);
  const cls = (name: string) => (hits(field, name) ? 'invalid' : undefined);

  const setCommand = (command: string) => {
    setForm((f) => {
      if (f.mode !== 'sweep') return { ...f, command };
      // Offer a row for each new {placeholder}, so typing the template sets up the grid.
      const known = new Set(f.params.map((p) => p.name.trim()));
      const added = placeholders(command).filter((n) => !known.has(n));
      const kept = f.params.filter((p) => p.name.trim() || p.values.trim());
      return { ...f, command, params: added.length ? [...kept, ...added.map((name) => ({ name, values: '' }))] : f.params };
    });
  };

  const submit = async () => {
    setBadField(undefined);
    let submission;
    try {
      submission = buildSubmission(form);
    } catch (error) {
      if (error instanceof FormError) setBadField(error.field);
      toastError(error);
      return;
    }
    setSubmitting(true);
    try {
      if (submission.kind === 'single') {
        const job = await api().call('submitJob', { body: submission.body });
        toastSuccess(`Submitted job #${job.id}`);
        navigate(`/jobs/${job.id}`);
      } else {
        const result = await api().call('sweep', { body: submission.body });
        toastSuccess(`Submitted ${result.count} jobs`);
        // Show the new jobs at once rather than an empty list until their events arrive.
        void useJobs.getState().reload();
        navigate('/jobs');
      }
    } catch (error) {
      setBadField(describeError(error).field);
      toastError(error, 'Submit refused');
    } finally {
      setSubmitting(false);
    }
  };

  const sweep = form.mode === 'sweep';
  return (
    <div className="page" style={{ maxWidth: 1100 }}>
      <div className="page-head">
        <h1>Submit</h1>
        <div className="seg" role="group" aria-label="What to submit">
          <button className={!sweep ? 'on' : ''} aria-pressed={!sweep} onClick={() => set('mode', 'single')}>
            One command
          </button>
          <button className={sweep ? 'on' : ''} aria-pressed={sweep} onClick={() => setForm((f) => ({ ...f, mode: 'sweep', shell: false }))}>
            Template sweep
          </button>
        </div>
      </div>

      <div className="card" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        <Field label={sweep ? 'Command template — {name} is replaced by each value' : 'Command'} name={sweep ? 'template' : 'command'} bad={field}>
          <input
            className={`mono ${cls(sweep ? 'template' : 'command') ?? ''}`}
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
        {sweep && (
          <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }} data-field="params">
            <div className="page-head">
              <h3 style={{ margin: 0 }}>Parameters</h3>
              <span className="subtle small">values: a list <code>1e-3, 3e-4</code>, a range <code>1..5</code>, a stepped range <code>0..100..10</code></span>
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
              const count = describeValues(row.values);
              const update = (patch: Partial<typeof row>) => set('params', form.params.map((r, j) => (j === i ? { ...r, ...patch } : r)));
              const bad = hits(field, `params.${row.name.trim()}`) || (field === 'params' && !preview.ok);
              return (
                <div key={i} className="param-row">
                  <input aria-label={`Parameter ${i + 1} name`} placeholder="name" className={`mono ${bad ? 'invalid' : ''}`} value={row.name} onChange={(e) => update({ name: e.target.value })} />
                  <input aria-label={`Parameter ${i + 1} values`} placeholder="1e-3, 3e-4" className={`mono ${bad ? 'invalid' : ''}`} value={row.values} onChange={(e) => update({ values: e.target.value })} />
                  <span className="subtle small">{count}</span>
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
        )}
        <div className="preview" data-testid="preview">
          {preview.ok ? (
            <>
              <strong data-testid="preview-count">
                Creates {preview.count.toLocaleString()} job{preview.count === 1 ? '' : 's'}
              </strong>
              {form.command.trim() &&
                preview.commands.map((argv, i) => (
                  <code key={i} className="mono">
                    {quoteArgv(argv)}
                  </code>
                ))}
              {preview.count > preview.commands.length && <span className="subtle small">… and {(preview.count - preview.commands.length).toLocaleString()} more</span>}
            </>
          ) : (
            form.command.trim() && <span style={{ color: 'var(--danger)' }}>{preview.message}</span>
          )}
        </div>
      </div>

      <div className="card">
        <h2>Resources and placement</h2>
        <div className="form-grid">
          <Field label="CPUs" name="requirements.cpus" bad={field}>
            <input type="number" min={0} step="any" className={cls('requirements.cpus')} value={form.cpus} onChange={(e) => set('cpus', e.target.value)} />
          </Field>
          <Field label="GPUs" name="requirements.gpus" bad={field}>
            <input type="number" min={0} className={cls('requirements.gpus')} value={form.gpus} onChange={(e) => set('gpus', e.target.value)} />
          </Field>
          <Field label="Memory (GB)" name="requirements.memory_mb" bad={field}>
            <input type="number" min={0} step="any" placeholder="any" className={cls('requirements.memory_mb')} value={form.memoryGb} onChange={(e) => set('memoryGb', e.target.value)} />
          </Field>
          <Field label="GPU memory (GB, shares a GPU)" name="requirements.gpu_memory_mb" bad={field}>
            <input type="number" min={0} step="any" placeholder="whole GPUs" className={cls('requirements.gpu_memory_mb')} value={form.gpuMemoryGb} onChange={(e) => set('gpuMemoryGb', e.target.value)} />
          </Field>
          <Field label="GPU models" name="requirements.gpu_models" bad={field}>
            <input placeholder="A100, H100" className={cls('requirements.gpu_models')} value={form.gpuModels} onChange={(e) => set('gpuModels', e.target.value)} />
          </Field>
          <Field label="Worker tags" name="requirements.tags" bad={field}>
            <input placeholder="cluster-a" className={cls('requirements.tags')} value={form.tags} onChange={(e) => set('tags', e.target.value)} />
          </Field>
        </div>
      </div>

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
            <input placeholder={sweep ? 'named after the params' : 'from the command'} className={cls('name')} value={form.name} onChange={(e) => set('name', e.target.value)} />
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

      <div className="toolbar">
        <button className="primary" disabled={submitting || !preview.ok} onClick={submit} data-testid="submit">
          {submitting ? 'Submitting…' : preview.ok && preview.count > 1 ? `Submit ${preview.count.toLocaleString()} jobs` : 'Submit job'}
        </button>
        <button className="ghost" onClick={() => setForm(EMPTY_FORM)}>
          Reset
        </button>
      </div>
    </div>
  );
}
