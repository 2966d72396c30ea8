import { useMemo, useState } from 'react';
import { GantryError } from '../../../../shared';
import { api, describeError } from '../../api/client';
import { navigate } from '../../router';
import { useJobs } from '../../stores/jobs';
import { toastError, toastSuccess } from '../../stores/toasts';
import { buildSubmission, EMPTY_FORM, FormError, previewSubmission, syncTarget, type Submission, type SubmitForm } from '../../logic/submitForm';
import { placeholders } from '../../logic/params';
import { inputForFile } from '../../api/uploadDataset';

/** A large directory over a slow link takes a while; far longer than a plain call (as the CLI's --sync). */
const SYNC_CALL_MS = 3_600_000;

/**
 * Copies the form's directory to its host first and points the jobs at the copy; without a host,
 * packs it for any worker and gives the jobs it as their `sync`. Either way once per content.
 */
async function withSyncedDir(form: SubmitForm, submission: Submission): Promise<Submission> {
  const target = syncTarget(form);
  if (!target) return submission;
  let placed: { cwd: string | null; cwd_machine: null; sync?: string };
  if (target.host === null) {
    const result = await api().call('packWorkDir', { body: { dir: target.dir } }, SYNC_CALL_MS);
    toastSuccess(result.stored ? `Packed ${target.dir} for the workers (${result.files} files)` : `${target.dir} is stored already`);
    placed = { cwd: null, cwd_machine: null, sync: result.sync };
  } else {
    const result = await api().call('syncHost', { params: { name: target.host }, body: { dir: target.dir } }, SYNC_CALL_MS);
    toastSuccess(result.uploaded ? `Copied ${target.dir} to ${target.host} (${result.files} files)` : `${target.dir} is already on ${target.host}`);
    placed = { cwd: result.cwd, cwd_machine: null };
  }
  return submission.kind === 'single' ? { kind: 'single', body: { ...submission.body, ...placed } } : { kind: 'sweep', body: { ...submission.body, ...placed } };
}

/** Uploads the attached files as datasets (each once per content) and adds them to the jobs' inputs. */
async function withAttachedInputs(files: readonly File[], submission: Submission): Promise<Submission> {
  if (files.length === 0) return submission;
  const refs: string[] = [];
  for (const file of files) refs.push(await inputForFile(file));
  const inputs = [...(submission.body.inputs ?? []), ...refs];
  return submission.kind === 'single' ? { kind: 'single', body: { ...submission.body, inputs } } : { kind: 'sweep', body: { ...submission.body, inputs } };
}

export type Preview = { ok: true; count: number; commands: string[][] } | { ok: false; message: string; field?: string };

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
export const hits = (field: string | undefined, name: string) => !!field && (field === name || field.startsWith(`${name}.`));

export interface SubmitFormState {
  form: SubmitForm;
  set<K extends keyof SubmitForm>(key: K, value: SubmitForm[K]): void;
  setMode(mode: SubmitForm['mode']): void;
  setCommand(command: string): void;
  reset(): void;
  preview: Preview;
  /** The field to mark: from the last refusal, else from the live preview. */
  field: string | undefined;
  submitting: boolean;
  submit(): Promise<void>;
  /** Files from this browser to upload and stage as inputs when the form is submitted. */
  files: File[];
  setFiles(files: File[]): void;
}

/** The Submit page's state: the form as typed, its live preview, and submitting it. */
export function useSubmitForm(): SubmitFormState {
  const [form, setForm] = useState<SubmitForm>(EMPTY_FORM);
  const [badField, setBadField] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const set = <K extends keyof SubmitForm>(key: K, value: SubmitForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const preview = useMemo(() => computePreview(form), [form]);
  const field = badField ?? (preview.ok || !form.command.trim() ? undefined : preview.field);

  const setMode = (mode: SubmitForm['mode']) => setForm((f) => ({ ...f, mode, shell: mode === 'sweep' ? false : f.shell }));

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
      submission = await withSyncedDir(form, submission);
      submission = await withAttachedInputs(files, submission);
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

  const reset = () => {
    setForm(EMPTY_FORM);
    setFiles([]);
  };
  return { form, set, setMode, setCommand, reset, preview, field, submitting, submit, files, setFiles };
}
