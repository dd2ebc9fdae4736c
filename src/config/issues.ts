import type { z } from 'zod';
import { CookieError } from '../errors.js';
import { printable } from '../printable.js';

/** `namespace[0].resource[1].kind` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${printable(String(key))}`))
    .join('');
}

/**
 * One line per zod issue: `FILE: FIELD: expected …, got …`. Given the schema that failed, an unknown field also names
 * the known ones, with the closest as a suggestion: `intreval: unknown field (did you mean "interval"? known: …)`.
 */
export function formatIssues(source: string, error: z.ZodError, schema?: z.ZodType): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = schema && knownKeysAt(schema, issue.path);
      return issue.keys.map((key) => `${source}: ${formatPath([...issue.path, key])}: unknown field${known ? ` (${suggest(key, known)})` : ''}`);
    }
    const field = formatPath(issue.path);
    return [`${source}: ${field === '' ? '' : `${field}: `}${issue.message}`];
  });
}

/** Many problems, one error: the CLI prints one line each. */
export function configError(problems: string[]): CookieError {
  const first = problems[0] ?? 'invalid configuration';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new CookieError('config-invalid', `${first}${more}`, { details: { problems } });
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
}

/** The field names of the object schema at `path`, seen through optional, default, array and pipe wrappers. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const rest = [...path];
  for (;;) {
    const inner = def.innerType ?? def.in ?? (def.type === 'array' && typeof rest[0] === 'number' ? (rest.shift(), def.element) : undefined);
    if (inner) {
      def = (inner as unknown as { _zod: { def: SchemaDef } })._zod.def;
      continue;
    }
    if (def.type !== 'object' || !def.shape) return undefined;
    if (rest.length === 0) return Object.keys(def.shape);
    const next = def.shape[String(rest.shift())];
    if (!next) return undefined;
    def = (next as unknown as { _zod: { def: SchemaDef } })._zod.def;
  }
}

function suggest(key: string, known: readonly string[]): string {
  const closest = known
    .map((name) => ({ name, distance: editDistance(key.toLowerCase(), name.toLowerCase()) }))
    .filter((c) => c.distance <= Math.max(1, Math.floor(c.name.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0];
  const list = `known: ${known.join(', ')}`;
  return closest ? `did you mean "${closest.name}"? ${list}` : list;
}

/** Levenshtein distance, with a transposition counted as one edit ("intreval" → "interval"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
