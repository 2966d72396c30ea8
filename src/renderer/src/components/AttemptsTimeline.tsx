import { describePreemption, formatDuration, type Attempt } from '../../../shared';
import { formatMb, formatTime } from '../logic/format';
import { PreemptionNote } from './PreemptionNote';
import { colorVar, stateColor } from './StateBadge';

/** A preempted attempt is no failure: it reads like a job waiting its turn again. */
const outcomeColor = (outcome: Attempt['outcome']) =>
  outcome === null
    ? stateColor('running')
    : outcome === 'succeeded'
      ? stateColor('succeeded')
      : outcome === 'cancelled'
        ? stateColor('cancelled')
        : outcome === 'preempted'
          ? stateColor('queued')
          : stateColor('failed');

export function AttemptsTimeline({ attempts, workerName, now }: { attempts: Attempt[]; workerName(id: string): string; now: number }) {
  if (attempts.length === 0) return <p className="subtle" style={{ margin: 0 }}>Not started yet.</p>;
  const durations = attempts.map((a) => (a.finished_at ?? now) - a.started_at);
  const longest = Math.max(1, ...durations);
  return (
    <div className="timeline">
      {attempts.map((a, i) => (
        <div key={a.attempt} className="timeline-item">
          <strong>#{a.attempt}</strong>
          <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
            <div className="timeline-bar" style={{ ...colorVar(outcomeColor(a.outcome)), width: `${Math.max(2, (durations[i] / longest) * 100)}%` }} />
            <span className="small">
              <span style={{ color: outcomeColor(a.outcome), fontWeight: 600 }}>{a.outcome ?? 'running'}</span>
              {a.exit_code !== null && <> · exit {a.exit_code}</>} · {formatDuration(durations[i])} on {workerName(a.worker_id)} · started {formatTime(a.started_at)}
              {a.gpus.length > 0 && <> · GPU {a.gpus.map((g) => g.index).join(',')}</>}
              {a.gpu_memory_used_mb !== null && <> · {formatMb(a.gpu_memory_used_mb)} GPU mem</>}
              {describePreemption(a) ? (
                <>
                  {' · '}
                  <PreemptionNote attempt={a} />
                </>
              ) : (
                a.error && <span style={{ color: 'var(--danger)' }}> · {a.error}</span>
              )}
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
