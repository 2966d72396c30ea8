import type { ReactNode } from 'react';

/** What a newcomer sees instead of an empty list: what this is and the next thing to do. */
export function EmptyState({ title, children, command }: { title: string; children?: ReactNode; command?: string }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
      {command && <pre>{command}</pre>}
    </div>
  );
}
