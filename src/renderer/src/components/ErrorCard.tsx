/** The error line of a list page or section: nothing while there is no error. */
export function ErrorCard({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <div className="card" role="alert" style={{ color: 'var(--danger)' }}>
      {error}
    </div>
  );
}
