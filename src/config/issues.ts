import type { z } from 'zod';
import { CookieError } from '../errors.js';

/** `namespace[0].resource[1].kind` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** One line per zod issue: `FILE: FIELD: expected …, got …`. */
export function formatIssues(source: string, error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${source}: ${formatPath([...issue.path, key])}: unknown field`);
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
