import { quoteArgv } from '../../../../shared';
import type { Preview } from './useSubmitForm';

/** How many jobs the form creates and their first commands, or what is wrong with it. */
export function SubmitPreview({ preview, hasCommand }: { preview: Preview; hasCommand: boolean }) {
  return (
    <div className="preview" data-testid="preview">
      {preview.ok ? (
        <>
          <strong data-testid="preview-count">
            Creates {preview.count.toLocaleString()} job{preview.count === 1 ? '' : 's'}
          </strong>
          {hasCommand &&
            preview.commands.map((argv, i) => (
              <code key={i} className="mono">
                {quoteArgv(argv)}
              </code>
            ))}
          {preview.count > preview.commands.length && <span className="subtle small">… and {(preview.count - preview.commands.length).toLocaleString()} more</span>}
        </>
      ) : (
        hasCommand && <span style={{ color: 'var(--danger)' }}>{preview.message}</span>
      )}
    </div>
  );
}
