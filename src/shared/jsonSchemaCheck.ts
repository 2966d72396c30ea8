/**
 * Checks a value against a JSON Schema of the subset `z.toJSONSchema` writes for the wire schemas
 * in wire.generated.ts, filling `default`s where zod's parse would. It lets the agent and the client
 * check replies without loading zod (tens of MB of the agent's resident set; see bench/README.md,
 * e2e.agent.rss_mb). Written here rather than taken from a library: validators that compile (ajv)
 * carry a large runtime or emit hundreds of KB of code for these schemas, interpreters do not fill
 * defaults; this subset is small, and scripts/generateWire.ts refuses any keyword it does not know.
 */

export interface JsonSchema {
  type?: JsonType | JsonType[];
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  $schema?: string;
  description?: string;
}

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** Every keyword the checker reads or may ignore; the generator refuses schemas with others. */
export const JSON_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'default', '$schema', 'description',
]);

/** Where and why a value does not match: `path` as zod names it (`jobs.0.job.id`), empty at the root. */
export interface JsonSchemaIssue {
  path: string;
  message: string;
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) patterns.set(pattern, (regex = new RegExp(pattern)));
  return regex;
}

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function typeMatches(expected: JsonType | JsonType[], actual: JsonType): boolean {
  const types = Array.isArray(expected) ? expected : [expected];
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

function checkNumber(schema: JsonSchema, value: number, path: string): JsonSchemaIssue | null {
  if (!Number.isFinite(value)) return { path, message: 'expected a finite number' };
  if (schema.minimum !== undefined && value < schema.minimum) return { path, message: `expected ≥ ${schema.minimum}` };
  if (schema.maximum !== undefined && value > schema.maximum) return { path, message: `expected ≤ ${schema.maximum}` };
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return { path, message: `expected > ${schema.exclusiveMinimum}` };
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return { path, message: `expected < ${schema.exclusiveMaximum}` };
  return null;
}

/** Lengths in UTF-16 code units, as zod counts them (JSON Schema would count code points). */
function checkString(schema: JsonSchema, value: string, path: string): JsonSchemaIssue | null {
  if (schema.minLength !== undefined && value.length < schema.minLength) return { path, message: `expected at least ${schema.minLength} characters` };
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return { path, message: `expected at most ${schema.maxLength} characters` };
  if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) return { path, message: `expected to match ${schema.pattern}` };
  return null;
}

function checkArray(schema: JsonSchema, value: unknown[], path: string): JsonSchemaIssue | null {
  if (schema.minItems !== undefined && value.length < schema.minItems) return { path, message: `expected at least ${schema.minItems} items` };
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return { path, message: `expected at most ${schema.maxItems} items` };
  if (!schema.items) return null;
  for (let i = 0; i < value.length; i++) {
    const issue = checkAt(schema.items, value[i], join(path, i));
    if (issue) return issue;
  }
  return null;
}

/** Fields in the schema's order, as zod reports them (its first issue is the first field that fails), then the others. */
function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: string): JsonSchemaIssue | null {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(properties)) {
    // An optional field given as undefined is absent, as zod reads it; JSON never carries undefined.
    if (value[key] === undefined && property.default !== undefined) value[key] = structuredClone(property.default);
    if (value[key] === undefined) {
      if (required.has(key)) return { path: join(path, key), message: 'required' };
      continue;
    }
    const issue = checkAt(property, value[key], join(path, key));
    if (issue) return issue;
  }
  for (const key of required) if (!Object.hasOwn(properties, key) && value[key] === undefined) return { path: join(path, key), message: 'required' };
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) continue;
    const issue = checkOtherField(schema, key, item, join(path, key));
    if (issue) return issue;
  }
  return null;
}

/** A field the schema does not name: a record's entry, or one an object lets through or refuses. */
function checkOtherField(schema: JsonSchema, key: string, item: unknown, path: string): JsonSchemaIssue | null {
  if (schema.propertyNames) {
    const issue = checkAt(schema.propertyNames, key, path);
    if (issue) return { path, message: `key ${issue.message}` };
  }
  if (schema.additionalProperties === false) return { path, message: 'unknown field' };
  if (typeof schema.additionalProperties === 'object') return checkAt(schema.additionalProperties, item, path);
  return null;
}

function checkBranches(schema: JsonSchema, value: unknown, path: string): JsonSchemaIssue | null {
  const anyOf = schema.anyOf ?? schema.oneOf;
  if (anyOf && !anyOf.some((branch) => checkAt(branch, value, path) === null)) return { path, message: 'matches none of the allowed shapes' };
  for (const part of schema.allOf ?? []) {
    const issue = checkAt(part, value, path);
    if (issue) return issue;
  }
  return null;
}

function checkAt(schema: JsonSchema, value: unknown, path: string): JsonSchemaIssue | null {
  const actual = typeOf(value);
  if (schema.type !== undefined && !typeMatches(schema.type, actual)) return { path, message: `expected ${String(schema.type)}, got ${actual}` };
  if (schema.const !== undefined && value !== schema.const) return { path, message: `expected ${JSON.stringify(schema.const)}` };
  if (schema.enum && !schema.enum.includes(value)) return { path, message: `expected one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}` };
  const branches = checkBranches(schema, value, path);
  if (branches) return branches;
  if (actual === 'integer' || actual === 'number') return checkNumber(schema, value as number, path);
  if (actual === 'string') return checkString(schema, value as string, path);
  if (actual === 'array') return checkArray(schema, value as unknown[], path);
  if (actual === 'object') return checkObject(schema, value as Record<string, unknown>, path);
  return null;
}

/** Null when `value` matches `schema` (its missing defaulted fields then filled in place), else the first issue. */
export function checkJsonSchema(schema: JsonSchema, value: unknown): JsonSchemaIssue | null {
  return checkAt(schema, value, '');
}
