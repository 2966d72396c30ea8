import { z } from 'zod';
import { ErrorBody, ROUTES, type RouteDef } from '../../shared';

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  // `any` for what JSON Schema cannot say (none today) keeps one odd schema from breaking the whole document.
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

function parametersOf(route: RouteDef): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
    }
  }
  return out;
}

function operationOf(name: string, route: RouteDef): JsonSchema {
  const success = route.raw
    ? { description: 'raw bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
    : {
        description: 'success',
        content: {
          'application/json': { schema: schemaOf(route.response, 'output') },
          ...(route.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
        },
      };
  const operation: JsonSchema = {
    operationId: name,
    summary: route.summary,
    // `/api/v1/<resource>/…` is tagged by resource; `/metrics` (outside the API prefix) by itself.
    tags: [route.path.split('/')[3] ?? route.path.split('/')[1]],
    parameters: parametersOf(route),
    responses: {
      200: success,
      default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
    security: route.scopes.length > 0 ? [{ bearer: [] }] : [],
    'x-scopes': route.scopes,
  };
  if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } };
  return operation;
}

/** The OpenAPI 3.1 document, generated from the same route table the server registers. */
export function openApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, route] of Object.entries(ROUTES) as Array<[string, RouteDef]>) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(name, route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Gantry API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: schemaOf(ErrorBody, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
