import { CookieError } from '../errors.js';

export interface SlaFailure {
  criterion: string;
  detail: string;
}

const startedLine = /^Task\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}): started\b/;

/** The task UUID from `rally task start`'s "Task  <uuid>: started" line, or undefined for any other line. */
export function parseTaskStarted(line: string): string | undefined {
  return startedLine.exec(line.trim())?.[1];
}

/**
 * The failed criteria from `rally task sla-check --json`: `[{criterion, detail, status, benchmark, pos}]`, where
 * anything but status "PASS" failed. Throws a one-line error for output that is not that list.
 */
export function parseSlaCheck(jsonText: string): SlaFailure[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CookieError('verify-failed', `rally task sla-check --json: expected JSON, got ${preview(jsonText)} (${reason})`);
  }
  if (!Array.isArray(parsed)) throw new CookieError('verify-failed', `rally task sla-check --json: expected a list of criteria, got ${preview(jsonText)}`);
  return parsed.flatMap((item: unknown): SlaFailure[] => {
    const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    if (record['status'] === 'PASS') return [];
    const where = typeof record['benchmark'] === 'string' ? `${record['benchmark']}: ` : '';
    return [{ criterion: String(record['criterion'] ?? 'unknown'), detail: `${where}${String(record['detail'] ?? record['status'] ?? 'failed')}` }];
  });
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? 'nothing' : JSON.stringify(flat.length > 80 ? `${flat.slice(0, 80)}…` : flat);
}

/** "failure_rate: Dummy.dummy: Failure rate criteria … - Failed; …", at most three, then a count. */
export function describeSlaFailures(failures: readonly SlaFailure[]): string {
  const shown = failures.slice(0, 3).map((f) => `${f.criterion}: ${f.detail}`);
  const more = failures.length > 3 ? `; and ${failures.length - 3} more` : '';
  return `${shown.join('; ')}${more}`;
}

const logPrefix = /^\d{4}-\d\d-\d\d [\d:.]+ \d+ [A-Z]+ \S+(?: \[[^\]]*\])? ?/;
const ansi = /\u001b\[[0-9;]*m/g;

/** The line of Rally's stderr that says what went wrong, without log prefixes, tracebacks' carets or SQLAlchemy noise. */
export function rallyErrorLine(tail: string): string | undefined {
  return tail
    .split('\n')
    .map((line) => line.replace(ansi, '').replace(logPrefix, '').trim())
    .filter((line) => line !== '' && !line.includes('SAWarning') && !/^\^+$/.test(line) && !line.startsWith('(Background on this error'))
    .at(-1);
}
