/** A property of a JSON value, as the keys and indexes that lead to it. */
export type JsonPath = Array<string | number>;

/** Every property of a JSON value, depth first, each as its path. */
export function jsonPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...jsonPaths(item, [...prefix, key])]);
}

/** A deep copy of `value` with `change` applied to the property at `path` (given its parent and key). */
export function changedAt(value: unknown, path: JsonPath, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]);
  return copy;
}
