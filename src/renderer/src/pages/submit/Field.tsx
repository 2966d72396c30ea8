import type { ReactNode } from 'react';
import { hits } from './useSubmitForm';

/** A labelled input that turns red when the API or the form names its field. */
export function Field({ label, name, bad, children, hint }: { label: string; name: string; bad?: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field" data-field={name} data-invalid={hits(bad, name) || undefined}>
      <span>{label}</span>
      {children}
      {hint && <span className="small">{hint}</span>}
    </label>
  );
}

/** The `invalid` class for an input whose field is the one to fix. */
export const invalidClass = (field: string | undefined, name: string): string | undefined => (hits(field, name) ? 'invalid' : undefined);
