import { checkParamName, parseParamValues, type ParamValue } from '../../../shared';

export interface ParamRow {
  name: string;
  values: string;
}

/**
 * The parameter table as the API wants it, read by the same parser as the CLI's `--param`
 * (src/shared/sweepParams.ts); throws naming the row that does not parse.
 */
export function paramsFromRows(rows: ParamRow[]): Record<string, ParamValue[]> {
  const params: Record<string, ParamValue[]> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (!name && !row.values.trim()) continue;
    if (!name) throw new Error('a parameter has values but no name');
    if (name in params) throw new Error(`parameter ${name} is listed twice`);
    try {
      checkParamName(name);
      params[name] = parseParamValues(row.values);
    } catch (error) {
      throw new Error(`parameter ${name}: ${(error as Error).message}`, { cause: error });
    }
  }
  return params;
}

/** How many values a row's text yields, or the parser's complaint, for the hint beside the row. */
export function describeValues(text: string): string {
  if (!text.trim()) return '';
  try {
    const count = parseParamValues(text).length;
    return `${count} value${count === 1 ? '' : 's'}`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Placeholder names in a template line, in order of first use: offered as parameter rows. */
export function placeholders(template: string): string[] {
  const names = [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g)].map((m) => m[1]);
  return [...new Set(names)];
}
