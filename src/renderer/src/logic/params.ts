import type { ParamValue } from '../../../shared';

/**
 * Parses what a user types for one parameter's values: a comma list (`1e-3, 3e-4`), an integer
 * range (`1..5`, `0..100..10` with a step, as the CLI takes), or both mixed. Numbers become numbers so `--lr {lr}`
 * prints them the way they were typed; anything else stays a string.
 */
export function parseValues(text: string): ParamValue[] {
  const values: ParamValue[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const range = /^(-?\d+)\.\.(-?\d+)(?:\.\.(\d+))?$/.exec(item);
    if (range) {
      const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)];
      if (step <= 0) throw new Error(`range ${item} needs a positive step`);
      const dir = from <= to ? 1 : -1;
      const n = Math.floor(Math.abs(to - from) / step) + 1;
      if (n > 100_000) throw new Error(`range ${item} has more than 100000 values`);
      for (let i = 0; i < n; i++) values.push(from + dir * i * step);
      continue;
    }
    values.push(toValue(item));
  }
  return values;
}

function toValue(item: string): ParamValue {
  if (item === 'true') return true;
  if (item === 'false') return false;
  const unquoted = /^(['"])(.*)\1$/.exec(item);
  if (unquoted) return unquoted[2];
  // Keep `1e-3` as a number but leave strings like `007` or `1.0.2` as typed.
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(item) && !/^-?0\d/.test(item)) return Number(item);
  return item;
}

export interface ParamRow {
  name: string;
  values: string;
}

/** The parameter table as the API wants it; throws naming the row that does not parse. */
export function paramsFromRows(rows: ParamRow[]): Record<string, ParamValue[]> {
  const params: Record<string, ParamValue[]> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (!name && !row.values.trim()) continue;
    if (!name) throw new Error('a parameter has values but no name');
    if (name in params) throw new Error(`parameter ${name} is listed twice`);
    const values = parseValues(row.values);
    if (!values.length) throw new Error(`parameter ${name} has no values`);
    params[name] = values;
  }
  return params;
}

/** Placeholder names in a template line, in order of first use: offered as parameter rows. */
export function placeholders(template: string): string[] {
  const names = [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g)].map((m) => m[1]);
  return [...new Set(names)];
}
