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

/** JSON Schema's type names (`integer` is a whole number). */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

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

/** A value's JSON Schema type; the walker and the agent's compiled checks share it. */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/** A field's path under its parent's, as zod names it (`jobs.0.job.id`). */
export const joinIssuePath = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

/**
 * A schema made ready to check values with: every keyword in one fixed shape, sub-schemas prepared
 * too, an object's fields and required set listed once. The agent checks every reply (a job is ~35
 * fields), and reading keywords off the schemas themselves, dozens of differently shaped objects, was
 * most of the ~50 µs a reply cost it under the interpreter (bench/README.md, e2e.agent.cpu_ms_per_job).
 */
class Prepared {
  readonly types: readonly JsonType[] | null;
  readonly typeText: string;
  readonly hasConst: boolean;
  readonly constValue: unknown;
  readonly enumValues: readonly unknown[] | null;
  readonly anyOf: Prepared[] | null;
  readonly allOf: Prepared[] | null;
  readonly fields: Array<{ key: string; schema: Prepared; fallback: unknown }>;
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: ReadonlySet<string>;
  /** Required fields the properties do not name. */
  readonly requiredElsewhere: string[];
  readonly propertyNames: Prepared | null;
  /** Fields the schema does not name: let through (true), refused (false), or checked. */
  readonly additional: boolean | Prepared;
  readonly items: Prepared | null;
  readonly minItems: number | undefined;
  readonly maxItems: number | undefined;
  readonly minLength: number | undefined;
  readonly maxLength: number | undefined;
  readonly pattern: RegExp | null;
  readonly patternText: string | undefined;
  readonly minimum: number | undefined;
  readonly maximum: number | undefined;
  readonly exclusiveMinimum: number | undefined;
  readonly exclusiveMaximum: number | undefined;
  readonly defaultValue: unknown;

  constructor(schema: JsonSchema) {
    this.types = schema.type === undefined ? null : Array.isArray(schema.type) ? schema.type : [schema.type];
    this.typeText = String(schema.type);
    this.hasConst = schema.const !== undefined;
    this.constValue = schema.const;
    this.enumValues = schema.enum ?? null;
    const anyOf = schema.anyOf ?? schema.oneOf;
    this.anyOf = anyOf ? anyOf.map(prepare) : null;
    this.allOf = schema.allOf ? schema.allOf.map(prepare) : null;
    this.properties = schema.properties ?? {};
    this.fields = Object.entries(this.properties).map(([key, property]) => ({ key, schema: prepare(property), fallback: property.default }));
    this.required = new Set(schema.required ?? []);
    this.requiredElsewhere = [...this.required].filter((key) => !Object.hasOwn(this.properties, key));
    this.propertyNames = schema.propertyNames ? prepare(schema.propertyNames) : null;
    this.additional = typeof schema.additionalProperties === 'object' ? prepare(schema.additionalProperties) : schema.additionalProperties !== false;
    this.items = schema.items ? prepare(schema.items) : null;
    this.minItems = schema.minItems;
    this.maxItems = schema.maxItems;
    this.minLength = schema.minLength;
    this.maxLength = schema.maxLength;
    this.pattern = schema.pattern === undefined ? null : new RegExp(schema.pattern);
    this.patternText = schema.pattern;
    this.minimum = schema.minimum;
    this.maximum = schema.maximum;
    this.exclusiveMinimum = schema.exclusiveMinimum;
    this.exclusiveMaximum = schema.exclusiveMaximum;
    this.defaultValue = schema.default;
  }

  /** Whether fields the schema does not name are checked at all (a record, or a strict object). */
  get checksOtherFields(): boolean {
    return this.propertyNames !== null || this.additional !== true;
  }

  acceptsType(actual: JsonType): boolean {
    const { types } = this;
    if (types === null) return true;
    for (let i = 0; i < types.length; i++) if (types[i] === actual || (actual === 'integer' && types[i] === 'number')) return true;
    return false;
  }
}

const prepared = new WeakMap<JsonSchema, Prepared>();
function prepare(schema: JsonSchema): Prepared {
  let ready = prepared.get(schema);
  if (!ready) prepared.set(schema, (ready = new Prepared(schema)));
  return ready;
}

/**
 * Where a value sits: its parent's path and its key, joined only when an issue names it or a
 * container's items need it (most fields are leaves, and most replies have no issue).
 */
type At = { parent: string; key: string | number | undefined };
const pathOf = (at: At): string => (at.key === undefined ? at.parent : joinIssuePath(at.parent, at.key));
const issueAt = (at: At, message: string): JsonSchemaIssue => ({ path: pathOf(at), message });

function checkNumber(schema: Prepared, value: number, at: At): JsonSchemaIssue | null {
  if (!Number.isFinite(value)) return issueAt(at, 'expected a finite number');
  if (schema.minimum !== undefined && value < schema.minimum) return issueAt(at, `expected ≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) return issueAt(at, `expected ≤ ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return issueAt(at, `expected > ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return issueAt(at, `expected < ${schema.exclusiveMaximum}`);
  return null;
}

/** Lengths in UTF-16 code units, as zod counts them (JSON Schema would count code points). */
function checkString(schema: Prepared, value: string, at: At): JsonSchemaIssue | null {
  if (schema.minLength !== undefined && value.length < schema.minLength) return issueAt(at, `expected at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return issueAt(at, `expected at most ${schema.maxLength} characters`);
  if (schema.pattern !== null && !schema.pattern.test(value)) return issueAt(at, `expected to match ${schema.patternText}`);
  return null;
}

function checkArray(schema: Prepared, value: unknown[], at: At): JsonSchemaIssue | null {
  if (schema.minItems !== undefined && value.length < schema.minItems) return issueAt(at, `expected at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return issueAt(at, `expected at most ${schema.maxItems} items`);
  if (schema.items === null || value.length === 0) return null;
  const item: At = { parent: pathOf(at), key: 0 };
  for (let i = 0; i < value.length; i++) {
    item.key = i;
    const issue = checkAt(schema.items, value[i], item);
    if (issue) return issue;
  }
  return null;
}

/** Fields in the schema's order, as zod reports them (its first issue is the first field that fails), then the others. */
function checkObject(schema: Prepared, value: Record<string, unknown>, at: At): JsonSchemaIssue | null {
  const field: At = { parent: pathOf(at), key: undefined };
  const { fields } = schema;
  // Indexed loops here and below: an iterator per object and per branch cost more than the checks under the interpreter.
  for (let i = 0; i < fields.length; i++) {
    const { key, schema: property, fallback } = fields[i];
    field.key = key;
    // An optional field given as undefined is absent, as zod reads it; JSON never carries undefined.
    if (value[key] === undefined && fallback !== undefined) value[key] = structuredClone(fallback);
    if (value[key] === undefined) {
      if (schema.required.has(key)) return issueAt(field, 'required');
      continue;
    }
    const issue = checkAt(property, value[key], field);
    if (issue) return issue;
  }
  for (const key of schema.requiredElsewhere) if (value[key] === undefined) return { path: joinIssuePath(field.parent, key), message: 'required' };
  if (!schema.checksOtherFields) return null;
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(schema.properties, key)) continue;
    const issue = checkOtherField(schema, key, item, joinIssuePath(field.parent, key));
    if (issue) return issue;
  }
  return null;
}

/** A field the schema does not name: a record's entry, or one an object lets through or refuses. */
function checkOtherField(schema: Prepared, key: string, item: unknown, path: string): JsonSchemaIssue | null {
  const at: At = { parent: path, key: undefined };
  if (schema.propertyNames) {
    const issue = checkAt(schema.propertyNames, key, at);
    if (issue) return { path, message: `key ${issue.message}` };
  }
  if (schema.additional === false) return { path, message: 'unknown field' };
  if (schema.additional !== true) return checkAt(schema.additional, item, at);
  return null;
}

function checkBranches(schema: Prepared, value: unknown, actual: JsonType, at: At): JsonSchemaIssue | null {
  if (schema.anyOf && !matchesAny(schema.anyOf, value, actual, at)) return issueAt(at, 'matches none of the allowed shapes');
  for (const part of schema.allOf ?? []) {
    const issue = checkAt(part, value, at);
    if (issue) return issue;
  }
  return null;
}

function matchesAny(branches: Prepared[], value: unknown, actual: JsonType, at: At): boolean {
  // A branch of another type is passed over without building its issue (most are `X or null`).
  for (let i = 0; i < branches.length; i++) if (branches[i].acceptsType(actual) && checkAt(branches[i], value, at) === null) return true;
  return false;
}

function checkAt(schema: Prepared, value: unknown, at: At): JsonSchemaIssue | null {
  const actual = jsonTypeOf(value);
  if (!schema.acceptsType(actual)) return issueAt(at, `expected ${schema.typeText}, got ${actual}`);
  if (schema.hasConst && value !== schema.constValue) return issueAt(at, `expected ${JSON.stringify(schema.constValue)}`);
  if (schema.enumValues && !schema.enumValues.includes(value)) return issueAt(at, `expected one of ${schema.enumValues.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.anyOf || schema.allOf) {
    const branches = checkBranches(schema, value, actual, at);
    if (branches) return branches;
  }
  if (actual === 'integer' || actual === 'number') return checkNumber(schema, value as number, at);
  if (actual === 'string') return checkString(schema, value as string, at);
  if (actual === 'array') return checkArray(schema, value as unknown[], at);
  if (actual === 'object') return checkObject(schema, value as Record<string, unknown>, at);
  return null;
}

/** Null when `value` matches `schema` (its missing defaulted fields then filled in place), else the first issue. */
export function checkJsonSchema(schema: JsonSchema, value: unknown): JsonSchemaIssue | null {
  return checkAt(prepare(schema), value, { parent: '', key: undefined });
}
