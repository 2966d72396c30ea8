import { checkJsonSchema, jsonTypeOf, joinIssuePath, type JsonSchema, type JsonSchemaIssue, type JsonType } from '../../shared';

/**
 * checkJsonSchema (src/shared/jsonSchemaCheck.ts) made into JavaScript written for one schema: the
 * same checks in the same order, the same issues and the same defaults filled in, as straight-line
 * code with each field read by its name. The agent checks every finish-and-claim reply, a job of
 * ~35 fields each, and under its `--no-opt` the walker's generic dispatch and its lookups of fields
 * by varying keys were ~60 µs of agent CPU per job (~4%; bench/README.md, e2e.agent.cpu_ms_per_job).
 *
 * Agent only: it builds functions from source text (new Function), which the web page's
 * Content-Security-Policy forbids, and the source is made only from the generated wire schemas,
 * never from a reply. Where node refuses code from strings, the walker checks instead.
 */
export type SchemaCheck = (value: unknown) => JsonSchemaIssue | null;

/** What the generated code refers to by index: patterns, enums, constants, defaults, property sets. */
interface Constants {
  values: unknown[];
}

/** The walker's helpers, shared by every compiled check (the generated code receives them as arguments). */
const typeOf = jsonTypeOf;
const join = joinIssuePath;
const pathOf = (parent: string, key: string | number | undefined): string => (key === undefined ? parent : join(parent, key));

const literal = (value: unknown): string => JSON.stringify(value);

/** A JavaScript condition that `v` has one of `types` (JSON Schema's `integer` is a whole number, `number` any). */
function typeCondition(types: readonly JsonType[], v: string): string {
  const parts = types.map((type) => {
    switch (type) {
      case 'null':
        return `${v} === null`;
      case 'array':
        return `Array.isArray(${v})`;
      case 'integer':
        return `(typeof ${v} === 'number' && Number.isInteger(${v}))`;
      case 'number':
        return `typeof ${v} === 'number'`;
      case 'object':
        return `(typeof ${v} === 'object' && ${v} !== null && !Array.isArray(${v}))`;
      default:
        return `typeof ${v} === ${literal(type)}`;
    }
  });
  return parts.length === 0 ? 'false' : parts.join(' || ');
}

/** Which of the walker's per-type checks a value of these types can reach. */
function reachable(types: readonly JsonType[] | null): { number: boolean; string: boolean; array: boolean; object: boolean } {
  const has = (type: JsonType): boolean => types === null || types.includes(type);
  return { number: has('number') || has('integer'), string: has('string'), array: has('array'), object: has('object') };
}

class Compiler {
  private readonly functions: string[] = [];
  /**
   * By the schema's text: the wire schemas are JSON, so the same part (a job, inside both a reply's
   * results and its claimed jobs) comes as separate objects, and is compiled once all the same.
   */
  private readonly names = new Map<string, string>();
  readonly constants: Constants = { values: [] };

  constant(value: unknown): string {
    this.constants.values.push(value);
    return `K[${this.constants.values.length - 1}]`;
  }

  /** The name of the function checking `schema`: `(v, P, K) => issue | null`, P the parent's path, K the key. */
  node(schema: JsonSchema): string {
    const text = JSON.stringify(schema);
    const known = this.names.get(text);
    if (known) return known;
    const name = `n${this.names.size}`;
    this.names.set(text, name);
    this.functions.push(this.body(name, schema));
    return name;
  }

  source(root: string): string {
    return `${this.functions.join('\n')}\nreturn (v) => ${root}(v, '', undefined);`;
  }

  private body(name: string, schema: JsonSchema): string {
    const types: readonly JsonType[] | null = schema.type === undefined ? null : Array.isArray(schema.type) ? (schema.type as JsonType[]) : [schema.type as JsonType];
    const lines: string[] = [];
    const issue = (message: string): string => `return { path: pathOf(P, Kk), message: ${message} };`;
    if (types !== null) lines.push(`if (!(${typeCondition(types, 'v')})) ${issue(`${literal(`expected ${String(schema.type)}, got `)} + typeOf(v)`)}`);
    if (schema.const !== undefined) lines.push(`if (v !== ${this.constant(schema.const)}) ${issue(literal(`expected ${JSON.stringify(schema.const)}`))}`);
    if (schema.enum) lines.push(`if (!${this.constant(schema.enum)}.includes(v)) ${issue(literal(`expected one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`))}`);
    const anyOf = schema.anyOf ?? schema.oneOf;
    if (anyOf) {
      const branches = anyOf.map((branch) => {
        const branchTypes = branch.type === undefined ? null : Array.isArray(branch.type) ? (branch.type as JsonType[]) : [branch.type as JsonType];
        const accepts = branchTypes === null ? 'true' : `(${typeCondition(branchTypes, 'v')})`;
        return `(${accepts} && ${this.node(branch)}(v, P, Kk) === null)`;
      });
      lines.push(`if (!(${branches.join(' || ')})) ${issue(literal('matches none of the allowed shapes'))}`);
    }
    for (const part of schema.allOf ?? []) lines.push(`{ const r = ${this.node(part)}(v, P, Kk); if (r) return r; }`);
    const can = reachable(types);
    const byType: string[] = [];
    if (can.number) byType.push(`if (typeof v === 'number') {\n${this.numberChecks(schema, issue)}\nreturn null;\n}`);
    if (can.string) {
      const checks = this.stringChecks(schema, issue);
      if (checks) byType.push(`if (typeof v === 'string') {\n${checks}\nreturn null;\n}`);
    }
    if (can.array) {
      const checks = this.arrayChecks(schema, issue);
      if (checks) byType.push(`if (Array.isArray(v)) {\n${checks}\nreturn null;\n}`);
    }
    if (can.object) {
      const checks = this.objectChecks(schema);
      if (checks) byType.push(`if (typeof v === 'object' && v !== null && !Array.isArray(v)) {\n${checks}\nreturn null;\n}`);
    }
    return `function ${name}(v, P, Kk) {\n${[...lines, ...byType].join('\n')}\nreturn null;\n}`;
  }

  private numberChecks(schema: JsonSchema, issue: (message: string) => string): string {
    const lines = [`if (!Number.isFinite(v)) ${issue(literal('expected a finite number'))}`];
    if (schema.minimum !== undefined) lines.push(`if (v < ${literal(schema.minimum)}) ${issue(literal(`expected ≥ ${schema.minimum}`))}`);
    if (schema.maximum !== undefined) lines.push(`if (v > ${literal(schema.maximum)}) ${issue(literal(`expected ≤ ${schema.maximum}`))}`);
    if (schema.exclusiveMinimum !== undefined) lines.push(`if (v <= ${literal(schema.exclusiveMinimum)}) ${issue(literal(`expected > ${schema.exclusiveMinimum}`))}`);
    if (schema.exclusiveMaximum !== undefined) lines.push(`if (v >= ${literal(schema.exclusiveMaximum)}) ${issue(literal(`expected < ${schema.exclusiveMaximum}`))}`);
    return lines.join('\n');
  }

  private stringChecks(schema: JsonSchema, issue: (message: string) => string): string {
    const lines: string[] = [];
    if (schema.minLength !== undefined) lines.push(`if (v.length < ${literal(schema.minLength)}) ${issue(literal(`expected at least ${schema.minLength} characters`))}`);
    if (schema.maxLength !== undefined) lines.push(`if (v.length > ${literal(schema.maxLength)}) ${issue(literal(`expected at most ${schema.maxLength} characters`))}`);
    if (schema.pattern !== undefined) lines.push(`if (!${this.constant(new RegExp(schema.pattern))}.test(v)) ${issue(literal(`expected to match ${schema.pattern}`))}`);
    return lines.join('\n');
  }

  private arrayChecks(schema: JsonSchema, issue: (message: string) => string): string {
    const lines: string[] = [];
    if (schema.minItems !== undefined) lines.push(`if (v.length < ${literal(schema.minItems)}) ${issue(literal(`expected at least ${schema.minItems} items`))}`);
    if (schema.maxItems !== undefined) lines.push(`if (v.length > ${literal(schema.maxItems)}) ${issue(literal(`expected at most ${schema.maxItems} items`))}`);
    if (schema.items) {
      const item = this.node(schema.items);
      lines.push(`if (v.length > 0) { const p = pathOf(P, Kk); for (let i = 0; i < v.length; i++) { const r = ${item}(v[i], p, i); if (r) return r; } }`);
    }
    return lines.join('\n');
  }

  /** Fields in the schema's order, then required ones it does not name, then the others (a record, a strict object). */
  private objectChecks(schema: JsonSchema): string {
    const properties = schema.properties ?? {};
    const required = new Set(schema.required ?? []);
    const requiredElsewhere = [...required].filter((key) => !Object.hasOwn(properties, key));
    const checksOthers = schema.propertyNames !== undefined || schema.additionalProperties === false || typeof schema.additionalProperties === 'object';
    const keys = Object.keys(properties);
    if (keys.length === 0 && requiredElsewhere.length === 0 && !checksOthers) return '';
    const lines = ['const p = pathOf(P, Kk);'];
    keys.forEach((key, index) => {
      const property = properties[key];
      const check = this.node(property);
      const field = `v[${literal(key)}]`;
      if (property.default !== undefined) lines.push(`if (${field} === undefined) ${field} = structuredClone(${this.constant(property.default)});`);
      const absent = required.has(key) ? `return { path: join(p, ${literal(key)}), message: 'required' };` : '';
      lines.push(`{ const x${index} = ${field}; if (x${index} === undefined) { ${absent} } else { const r = ${check}(x${index}, p, ${literal(key)}); if (r) return r; } }`);
    });
    for (const key of requiredElsewhere) lines.push(`if (v[${literal(key)}] === undefined) return { path: join(p, ${literal(key)}), message: 'required' };`);
    if (checksOthers) lines.push(this.otherFields(schema, properties));
    return lines.join('\n');
  }

  private otherFields(schema: JsonSchema, properties: Readonly<Record<string, JsonSchema>>): string {
    const names = schema.propertyNames ? this.node(schema.propertyNames) : null;
    const additional = typeof schema.additionalProperties === 'object' ? this.node(schema.additionalProperties) : null;
    const lines = [`for (const [key, item] of Object.entries(v)) {`, `if (Object.hasOwn(${this.constant(properties)}, key)) continue;`, `const path = join(p, key);`];
    if (names) lines.push(`{ const r = ${names}(key, path, undefined); if (r) return { path, message: 'key ' + r.message }; }`);
    if (schema.additionalProperties === false) lines.push(`return { path, message: 'unknown field' };`);
    else if (additional) lines.push(`{ const r = ${additional}(item, path, undefined); if (r) return r; }`);
    lines.push('}');
    return lines.join('\n');
  }
}

const compiled = new WeakMap<JsonSchema, SchemaCheck>();

/** The check for `schema`, compiled once; the walker where the schema has a keyword compiling does not cover. */
export function compileSchemaCheck(schema: JsonSchema): SchemaCheck {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = build(schema)));
  return check;
}

function build(schema: JsonSchema): SchemaCheck {
  const compiler = new Compiler();
  const root = compiler.node(schema);
  try {
    // The text is made from the schema alone (constants go by reference, never into it), so no reply reaches it.
    const make = new Function('K', 'typeOf', 'join', 'pathOf', compiler.source(root)) as (...helpers: unknown[]) => SchemaCheck;
    return make(compiler.constants.values, typeOf, join, pathOf);
  } catch {
    // Code from strings refused (node's --disallow-code-generation-from-strings): the walker checks the same.
    return (value) => checkJsonSchema(schema, value);
  }
}

/** checkJsonSchema, compiled for the schema (see above). */
export function checkCompiled(schema: JsonSchema, value: unknown): JsonSchemaIssue | null {
  return compileSchemaCheck(schema)(value);
}
