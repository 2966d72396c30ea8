import { GantryError, parseParamSpec, type ParamValue } from '../../shared';
import { usageError } from '../exitCodes';

/** Parses one `--param NAME=VALUES` with the shared parser (src/shared/sweepParams.ts), as a usage error naming the flag. */
export function parseParam(spec: string): { name: string; values: ParamValue[] } {
  try {
    return parseParamSpec(spec);
  } catch (error) {
    if (error instanceof GantryError) throw usageError(`--param ${spec}: ${error.message}`);
    throw error;
  }
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
