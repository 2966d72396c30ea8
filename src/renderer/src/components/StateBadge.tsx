import type { CSSProperties } from 'react';
import type { JobState } from '../../../shared';

export const stateColor = (state: string): string => `var(--s-${state})`;

/** Inline style setting the `--c` colour variable the badge, chip and legend classes read. */
export const colorVar = (color: string): CSSProperties => ({ '--c': color }) as CSSProperties;

export function StateBadge({ state }: { state: JobState }) {
  return (
    <span className={`badge ${state}`} style={colorVar(stateColor(state))} data-state={state}>
      {state}
    </span>
  );
}
