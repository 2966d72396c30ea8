import { ValidationError } from './errors';
import { LIMITS, type ParamValue } from './schemas/jobs';

export type SweepMode = 'grid' | 'zip';

export interface SweepPoint {
  argv: string[];
  params: Record<string, ParamValue>;
}

/** The most jobs one sweep may create: the batch limit, so a sweep is always one transaction. */
export const MAX_SWEEP_JOBS = LIMITS.batchSize;

/**
 * Only identifier-like names are placeholders, so literal braces in an argument
 * (JSON, `${HOME}`-free shell text, format strings) pass through untouched.
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** How many jobs a sweep yields, without expanding it; throws when zip lengths differ or the count is too large. */
export function countSweep(params: Record<string, ParamValue[]>, mode: SweepMode): number {
  const lengths = Object.values(params).map((values) => values.length);
  if (lengths.length === 0) return 1;
  if (mode === 'zip') {
    const [first] = lengths;
    const mismatch = Object.entries(params).find(([, values]) => values.length !== first);
    if (mismatch) {
      throw new ValidationError(`zip needs lists of equal length: ${mismatch[0]} has ${mismatch[1].length} values, expected ${first}`, `params.${mismatch[0]}`);
    }
    return checkLimit(first);
  }
  // Multiply with an early exit so an absurd grid never overflows into a misleading number.
  let count = 1;
  for (const length of lengths) {
    count *= length;
    if (count > MAX_SWEEP_JOBS) checkLimit(count);
  }
  return checkLimit(count);
}

function checkLimit(count: number): number {
  if (count > MAX_SWEEP_JOBS) {
    throw new ValidationError(`the sweep would create more than ${MAX_SWEEP_JOBS} jobs`, 'params');
  }
  return count;
}

/** The string an argument gets for a value: numbers in JavaScript's shortest form, booleans as true/false. */
export function paramText(value: ParamValue): string {
  return typeof value === 'string' ? value : String(value);
}

/** Placeholder names used by the template; throws naming the first one that is not a parameter. */
export function checkTemplate(template: string[], params: Record<string, unknown>): void {
  for (const [index, arg] of template.entries()) {
    for (const match of arg.matchAll(PLACEHOLDER)) {
      const name = match[1];
      if (!Object.hasOwn(params, name)) {
        throw new ValidationError(`template uses {${name}}, which is not a parameter`, `template.${index}`);
      }
    }
  }
}

/**
 * Expands an argv template over parameter lists: `grid` takes every combination
 * (the first parameter varies slowest), `zip` takes the i-th value of each list.
 * Each value replaces its placeholder inside one argument, so a value with spaces
 * or quotes stays one argv element and is never re-split by a shell.
 * `limit` stops after the first points (previews), while limits are still checked on the whole sweep.
 */
export function expandSweep(template: string[], params: Record<string, ParamValue[]>, mode: SweepMode, limit = Infinity): SweepPoint[] {
  checkTemplate(template, params);
  const count = countSweep(params, mode);
  const names = Object.keys(params);
  const points: SweepPoint[] = [];
  for (let i = 0; i < Math.min(count, limit); i++) {
    const chosen: Record<string, ParamValue> = {};
    if (mode === 'zip') {
      for (const name of names) chosen[name] = params[name][i];
    } else {
      let rest = i;
      for (let n = names.length - 1; n >= 0; n--) {
        const values = params[names[n]];
        chosen[names[n]] = values[rest % values.length];
        rest = Math.floor(rest / values.length);
      }
    }
    const ordered = Object.fromEntries(names.map((name) => [name, chosen[name]]));
    points.push({ argv: template.map((arg) => arg.replace(PLACEHOLDER, (_, name: string) => paramText(ordered[name]))), params: ordered });
  }
  return points;
}

/** A readable job name for one sweep point: `train lr=1e-3 seed=1`, cut to the name limit. */
export function sweepJobName(base: string, params: Record<string, ParamValue>): string {
  const parts = Object.entries(params).map(([name, value]) => `${name}=${paramText(value)}`);
  return [base, ...parts].join(' ').slice(0, LIMITS.nameLength);
}
