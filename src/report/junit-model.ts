/** What a JUnit test case says, before it becomes XML. One verdict per case: the Jenkins XSD orders them strictly. */
export type CaseVerdict =
  | { kind: 'passed' }
  | { kind: 'failure' | 'error'; message: string; type: string; details?: string }
  | { kind: 'skipped' };

export interface CaseSpec {
  className: string;
  name: string;
  timeSeconds: number;
  verdict: CaseVerdict;
  systemOut?: string | undefined;
  systemErr?: string | undefined;
}

export interface SuiteSpec {
  name: string;
  /** Epoch milliseconds; written as a UTC timestamp. */
  startedAt: number;
  timeSeconds: number;
  cases: CaseSpec[];
}

export const passed: CaseVerdict = { kind: 'passed' };

export function failure(message: string, type: string, details?: string): CaseVerdict {
  return details === undefined ? { kind: 'failure', message, type } : { kind: 'failure', message, type, details };
}

export function error(message: string, type: string, details?: string): CaseVerdict {
  return details === undefined ? { kind: 'error', message, type } : { kind: 'error', message, type, details };
}

/** Milliseconds → seconds with millisecond precision, as JUnit's `time` attribute wants. */
export function seconds(ms: number | undefined): number {
  return ms === undefined || !Number.isFinite(ms) || ms < 0 ? 0 : Math.round(ms) / 1000;
}

/** Appends " #2", " #3"… to repeated case names: GitLab drops cases whose names repeat within a suite. */
export function uniqueCaseNames(cases: CaseSpec[]): CaseSpec[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const count = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, count);
    return count === 1 ? c : { ...c, name: `${c.name} #${count}` };
  });
}
