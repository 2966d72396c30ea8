import type { ParamValue } from '../../shared';
import { usageError } from '../exitCodes';

/** More values than this in one range is a typo (`1..1e9`), not a sweep. */
export const MAX_RANGE_VALUES = 100_000;

const NAME = /^[A-Za-z_][\w.-]*$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Parses one `--param NAME=VALUES`: a comma list (`1e-3,3e-4`), an integer range (`1..5`),
 * or a range with a step (`1..10..2`); lists and ranges mix (`1..3,8`).
 * List items stay strings unless they read back as the same number (`3` → 3, `1e-3` stays "1e-3"),
 * so the command line gets exactly what was typed.
 */
export function parseParam(spec: string): { name: string; values: ParamValue[] } {
  const eq = spec.indexOf('=');
  if (eq < 0) throw usageError(`--param ${spec}: expected NAME=VALUES, e.g. lr=1e-3,3e-4 or seed=1..5`);
  const name = spec.slice(0, eq);
  if (!NAME.test(name)) throw usageError(`--param ${spec}: "${name}" is not a parameter name (letters, digits, _ . -; not starting with a digit)`);
  const body = spec.slice(eq + 1);
  if (body === '') throw usageError(`--param ${spec}: no values after "="`);
  const values: ParamValue[] = [];
  for (const item of body.split(',')) {
    if (item === '') throw usageError(`--param ${spec}: empty value in the list (two commas, or a trailing comma)`);
    if (item.includes('..')) values.push(...expandRange(spec, item));
    else values.push(asParamValue(item));
  }
  if (values.length > MAX_RANGE_VALUES) throw usageError(`--param ${spec}: ${values.length} values; at most ${MAX_RANGE_VALUES}`);
  return { name, values };
}

/** Collects repeated `--param` flags into the sweep's params, refusing a name given twice. */
export function parseParams(specs: string[]): Record<string, ParamValue[]> {
  const params: Record<string, ParamValue[]> = {};
  for (const spec of specs) {
    const { name, values } = parseParam(spec);
    if (Object.hasOwn(params, name)) throw usageError(`--param ${name} given twice; put all values in one flag: ${name}=a,b,c`);
    params[name] = values;
  }
  return params;
}

function expandRange(spec: string, item: string): number[] {
  const parts = item.split('..');
  if (parts.length > 3 || !parts.every((p) => INTEGER.test(p))) {
    throw usageError(`--param ${spec}: "${item}" is not a range; ranges are integers START..END or START..END..STEP`);
  }
  const [start, end, step = 1] = parts.map(Number);
  if (step <= 0) throw usageError(`--param ${spec}: step ${step} in "${item}" must be positive`);
  if (end < start) throw usageError(`--param ${spec}: range "${item}" is empty (END is below START)`);
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_RANGE_VALUES) throw usageError(`--param ${spec}: range "${item}" has ${count} values; at most ${MAX_RANGE_VALUES}`);
  return Array.from({ length: count }, (_, k) => start + k * step);
}

function asParamValue(text: string): ParamValue {
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) && String(number) === text ? number : text;
}
