import { Field, invalidClass } from './Field';
import type { SubmitFormState } from './useSubmitForm';

/** What a worker must have free; sizes in MB, as the CLI's --mem and --gpu-mem and the API take them. */
export function ResourcesCard({ state }: { state: SubmitFormState }) {
  const { form, set, field } = state;
  const cls = (name: string) => invalidClass(field, name);
  return (
    <div className="card">
      <h2>Resources and placement</h2>
      <div className="form-grid">
        <Field label="CPUs" name="requirements.cpus" bad={field}>
          <input type="number" min={0} step="any" className={cls('requirements.cpus')} value={form.cpus} onChange={(e) => set('cpus', e.target.value)} />
        </Field>
        <Field label="GPUs" name="requirements.gpus" bad={field}>
          <input type="number" min={0} className={cls('requirements.gpus')} value={form.gpus} onChange={(e) => set('gpus', e.target.value)} />
        </Field>
        <Field label="Memory (MB)" name="requirements.memory_mb" bad={field}>
          <input type="number" min={0} step={1} placeholder="any" className={cls('requirements.memory_mb')} value={form.memoryMb} onChange={(e) => set('memoryMb', e.target.value)} />
        </Field>
        <Field label="GPU memory per GPU (MB; shares a GPU)" name="requirements.gpu_memory_mb" bad={field}>
          <input type="number" min={1} step={1} placeholder="whole GPUs" className={cls('requirements.gpu_memory_mb')} value={form.gpuMemoryMb} onChange={(e) => set('gpuMemoryMb', e.target.value)} />
        </Field>
        <Field label="GPU models" name="requirements.gpu_models" bad={field}>
          <input placeholder="A100, H100" className={cls('requirements.gpu_models')} value={form.gpuModels} onChange={(e) => set('gpuModels', e.target.value)} />
        </Field>
        <Field label="Worker tags" name="requirements.tags" bad={field}>
          <input placeholder="cluster-a" className={cls('requirements.tags')} value={form.tags} onChange={(e) => set('tags', e.target.value)} />
        </Field>
      </div>
    </div>
  );
}
