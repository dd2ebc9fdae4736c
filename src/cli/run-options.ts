import { z } from 'zod';
import { durationField, expected } from '../config/fields.js';
import { formatPath } from '../config/issues.js';
import { CookieError } from '../errors.js';
import type { Flags } from './command.js';
import { notifyFlagFields } from './notify-settings.js';

const optionalDuration = (what: string, min = 0) => durationField(what, { min }).optional();

/** The validated flags of `run`: yargs declares them, this schema is what the code trusts. */
export const runFlagsSchema = z.object({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  cookies: z.string().optional(),
  cookie: z.array(z.string()).default([]),
  check: z.array(z.string()).default([]),
  'helm-release': z.array(z.string()).default([]),
  'ready-timeout': durationField('a duration like "5m"'),
  'skip-deploy-check': z.boolean(),
  'skip-preflight': z.boolean(),
  'chaos-duration': optionalDuration('a positive duration like "10m"', 1),
  'max-recovery': optionalDuration('a positive duration like "60s"', 1),
  'recovery-timeout': optionalDuration('a duration like "2m"'),
  mode: z.enum(['delete', 'evict']),
  'grace-period': optionalDuration('a duration like "30s" (0 = immediately)'),
  'allow-kube-system': z.boolean(),
  'dry-run': z.boolean(),
  seed: z.number({ error: expected('a whole number') }).int({ error: expected('a whole number') }).min(0, { error: expected('a whole number ≥ 0') }).optional(),
  concurrency: z.number({ error: expected('a whole number ≥ 1') }).int({ error: expected('a whole number ≥ 1') }).min(1, { error: expected('a whole number ≥ 1') }),
  'exec-timeout': durationField('a positive duration like "2m"', { min: 1 }),
  shell: z.boolean(),
  'verify-timeout': optionalDuration('a positive duration like "30m"', 1),
  'kill-after': durationField('a duration like "10s"'),
  'verify-junit': z.string().optional(),
  rally: z.string().optional(),
  'rally-config': z.string().optional(),
  'rally-deployment': z.string().optional(),
  junit: z.string().min(1),
  'kill-log': z.string().min(1),
  'log-format': z.enum(['text', 'legacy', 'json']),
  ci: z.enum(['auto', 'github', 'gitlab', 'jenkins', 'plain']),
  color: z.boolean().optional(),
  ...notifyFlagFields,
});

export type RunFlags = z.output<typeof runFlagsSchema> & { command: string[] };

/** The flags that take a list (`--cookie a --cookie b`), read off the schema, plus the command after `--`. */
const repeatable = new Set([
  '--',
  ...Object.entries(runFlagsSchema.shape)
    .filter(([, field]) => (field instanceof z.ZodDefault ? field.unwrap() : field) instanceof z.ZodArray)
    .map(([key]) => key),
]);

/** A single-valued flag given twice (a template's default, then the user's own) keeps the last value, like most CLIs. */
function lastValueWins(flags: Flags): Flags {
  return Object.fromEntries(Object.entries(flags).map(([key, value]) => [key, !repeatable.has(key) && Array.isArray(value) ? value.at(-1) : value])) as Flags;
}

/** yargs output → RunFlags, or one usage error listing every bad flag (`--seed: expected a whole number, got NaN`). */
export function parseRunFlags(flags: Flags): RunFlags {
  const parsed = runFlagsSchema.safeParse(lastValueWins(flags));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${formatPath(issue.path)}: ${issue.message}`);
    throw new CookieError('usage', problems[0] ?? 'invalid flags', { details: { problems } });
  }
  const command = (flags['--'] ?? []).map(String);
  return { ...parsed.data, command };
}
