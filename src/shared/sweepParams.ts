import { ValidationError } from './errors';
import type { ParamValue } from './schemas/jobs';

/** More values than this for one parameter is a typo (`1..1e9`), not a sweep. */
export const MAX_PARAM_VALUES = 100_000;

/** What may name a parameter: the same names a template's `{placeholder}` matches. */
export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const INTEGER = /^[+-]?\d+$/;

/**
 * Parses the values of one parameter as the CLI (`--param lr=…`) and the console's submit form both
 * take them: a comma list (`1e-3, 3e-4`), an integer range (`1..5`), a range with a step (`0..100..10`),
 * or both mixed (`1..3,8`). Items are trimmed. A list item stays the string typed unless it reads back
 * as the very same number (`3` → 3, but `1e-3`, `007` and `1.` stay strings), so the command line gets
 * exactly what was typed. Ranges count up only: `5..1` is refused, never silently reversed.
 * Throws a ValidationError saying what is wrong with which item.
 */
export function parseParamValues(text: string): ParamValue[] {
  if (text.trim() === '') throw new ValidationError('no values');
  const values: ParamValue[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') throw new ValidationError('empty value in the list (two commas, or a trailing comma)');
    if (item.includes('..')) values.push(...expandRange(item));
    else values.push(asParamValue(item));
    if (values.length > MAX_PARAM_VALUES) throw new ValidationError(`more than ${MAX_PARAM_VALUES} values`);
  }
  return values;
}

/** Parses `NAME=VALUES`, the form of one `--param` flag. */
export function parseParamSpec(spec: string): { name: string; values: ParamValue[] } {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new ValidationError('expected NAME=VALUES, e.g. lr=1e-3,3e-4 or seed=1..5');
  const name = spec.slice(0, eq);
  checkParamName(name);
  const body = spec.slice(eq + 1);
  if (body.trim() === '') throw new ValidationError('no values after "="', name);
  return { name, values: parseParamValues(body) };
}

/** Throws unless `name` can be a parameter (and so a `{placeholder}`). */
export function checkParamName(name: string): void {
  if (!PARAM_NAME.test(name)) {
    throw new ValidationError(`"${name}" is not a parameter name (letters, digits, _ . -; not starting with a digit)`, name);
  }
}

function expandRange(item: string): number[] {
  const parts = item.split('..').map((part) => part.trim());
  if (parts.length > 3 || !parts.every((part) => INTEGER.test(part))) {
    throw new ValidationError(`"${item}" is not a range; ranges are integers START..END or START..END..STEP`);
  }
  const [start, end, step = 1] = parts.map(Number);
  if (step <= 0) throw new ValidationError(`step ${step} in "${item}" must be positive`);
  if (end < start) throw new ValidationError(`range "${item}" is empty (END is below START); write ${end}..${start}`);
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_PARAM_VALUES) throw new ValidationError(`range "${item}" has ${count} values; at most ${MAX_PARAM_VALUES}`);
  return Array.from({ length: count }, (_, k) => start + k * step);
}

function asParamValue(text: string): ParamValue {
  const number = Number(text);
  return Number.isFinite(number) && String(number) === text ? number : text;
}
