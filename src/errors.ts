/** Every failure we report carries one of these codes; the CLI maps them to exit codes in `exit-codes.ts`. */
export type ErrorCode =
  | 'usage'
  | 'config-invalid'
  | 'kubeconfig-missing'
  | 'cluster-unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid-request'
  | 'disruption-budget'
  | 'server-error'
  | 'deploy-not-ready'
  | 'verify-failed'
  | 'verify-timeout'
  | 'chaos-failed'
  | 'cancelled'
  | 'internal';

export interface CookieErrorOptions {
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

const brand = Symbol.for('kube-cookiemonster.CookieError');

/** One error class for the whole product: a closed `code`, a one-line `message`, an optional `hint`. */
export class CookieError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: CookieErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CookieError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

export function isCookieError(value: unknown): value is CookieError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** A one-line description of any thrown value, never a stack trace. */
export function describeError(error: unknown): string {
  if (isCookieError(error)) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
