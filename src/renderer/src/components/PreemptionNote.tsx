import { describePreemption, type Attempt } from '../../../shared';
import { Link } from '../router';

/** "preempted by #40" (a link to the job it made room for), or nothing when the attempt was not preempted. */
export function PreemptionNote({ attempt }: { attempt: Attempt | undefined }) {
  const note = attempt ? describePreemption(attempt) : null;
  if (!note) return null;
  if (note.by === null) return <span data-testid="preemption-note">{note.text}</span>;
  const [before] = note.text.split(`#${note.by}`);
  return (
    <span data-testid="preemption-note">
      {before}
      <Link to={`/jobs/${note.by}`}>#{note.by}</Link>
    </span>
  );
}
