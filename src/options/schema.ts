import { z } from 'zod';
import { durationField, expected } from '../config/fields.js';
import { formatPath } from '../config/issues.js';
import { CookieError } from '../errors.js';
import { camelCase, type OptionDeclaration, type OptionValue, type OptionValues } from './declarations.js';

function fieldOf(value: OptionValue): z.ZodType {
  switch (value.type) {
    case 'string':
      return z.string({ error: expected('text') }).min(value.minLength ?? 0, { error: expected('a non-empty value') });
    case 'boolean':
      return z.boolean({ error: expected('true or false') });
    case 'list':
      return z.array(z.string({ error: expected('text') }), { error: expected('a list') });
    case 'choice':
      return z.enum(value.choices as [string, ...string[]], { error: expected(`one of ${value.choices.map((c) => `"${c}"`).join(', ')}`) });
    case 'duration':
      return durationField(value.expected, { min: value.min ?? 0 });
    case 'count':
      return z.number({ error: expected(value.expected) }).int({ error: expected(value.expected) }).min(value.min, { error: expected(value.expected) }).max(value.max ?? Number.MAX_SAFE_INTEGER, { error: expected(value.expected) });
  }
}

/** The zod schema of a set of declarations: a default fills a missing value, a list defaults to []. */
export function schemaOf(declarations: Readonly<Record<string, OptionDeclaration>>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, { value, default: fallback }] of Object.entries(declarations)) {
    const field = fieldOf(value);
    shape[name] = fallback !== undefined ? z.preprocess((v) => v ?? fallback, field) : value.type === 'list' ? z.preprocess((v) => v ?? [], field) : field.optional();
  }
  return z.object(shape);
}

/**
 * Validates option values keyed by flag name. `style` decides how a problem names its option: `--ready-timeout: …` for
 * the CLI, `readyTimeout: …` for the library and REST bodies. Every problem is listed; the first is the message.
 */
export function parseOptions<D extends Record<string, OptionDeclaration>>(declarations: D, values: Record<string, unknown>, style: 'flag' | 'field'): OptionValues<D> {
  const parsed = schemaOf(declarations).safeParse(values);
  if (parsed.success) return parsed.data as OptionValues<D>;
  const problems = parsed.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return `${style === 'flag' ? `--${path}` : camelCase(path)}: ${issue.message}`;
  });
  throw new CookieError('usage', problems[0] ?? 'invalid options', { details: { problems } });
}

/**
 * camelCase library values → flag-named values, keeping only the declarations marked `library`. A library duration
 * given as a number is milliseconds (in cookie files and REST bodies a bare number is seconds, as in the original).
 */
export function fromCamelCase(declarations: Readonly<Record<string, OptionDeclaration>>, given: Readonly<Record<string, unknown>>, mark: 'library'): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    const value = given[camelCase(name)];
    if (!declaration[mark] || value === undefined) continue;
    values[name] = declaration.value.type === 'duration' && typeof value === 'number' ? `${value}ms` : value;
  }
  return values;
}

/** The fields of the declarations marked `mark`, camelCase and optional, for a request body's schema. */
export function camelShapeOf(declarations: Readonly<Record<string, OptionDeclaration>>, mark: 'library' | 'rest'): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, declaration] of Object.entries(declarations)) if (declaration[mark]) shape[camelCase(name)] = fieldOf(declaration.value).optional();
  return shape;
}
