import type { RouteDef } from '../../shared';

/**
 * Where a handler's result departs from its route's response schema, in words naming the field;
 * null when it conforms (or the route answers raw bytes). Parsing every response costs a zod
 * pass per request, so the server runs this only when asked (`checkResponses`): in tests.
 */
export function responseMismatch(name: string, route: RouteDef, body: unknown): string | null {
  if (route.raw || (route.csv && typeof body === 'string')) return null;
  const result = route.response.safeParse(body);
  if (result.success) return null;
  const issues = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return `the response of ${name} (${route.method} ${route.path}) does not match its schema: ${issues.join('; ')}`;
}
