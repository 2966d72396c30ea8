import type { Explanation } from '../../shared';

/** `why`: the summary, then each reason in words; a reason that only repeats the summary is left out. */
export function formatExplanation(explanation: Explanation): string {
  const lines = [`job ${explanation.job_id} (${explanation.state}): ${explanation.summary}`];
  for (const reason of explanation.reasons) {
    if (reason.message !== explanation.summary) lines.push(`  - ${reason.message}`);
  }
  return lines.join('\n');
}
