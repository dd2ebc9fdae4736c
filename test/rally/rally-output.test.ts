import { describe, expect, it } from 'vitest';
import { describeSlaFailures, parseSlaCheck, parseTaskStarted, rallyErrorLine } from '../../src/rally/rally-output.js';

describe('parseTaskStarted', () => {
  it.each([
    ['Task  40269566-3843-49d2-b5c0-48f80b80687f: started', '40269566-3843-49d2-b5c0-48f80b80687f'],
    ['Task 40269566-3843-49d2-b5c0-48f80b80687f: started', '40269566-3843-49d2-b5c0-48f80b80687f'],
    ['2026-11-24 13:13:48.639 INFO rally.task.engine [-] Task 40269566-3843-49d2-b5c0-48f80b80687f | Starting:  Task validation.', undefined],
    ['Task 40269566-3843-49d2-b5c0-48f80b80687f has 2 error(s)', undefined],
    ['Task  not-a-uuid: started', undefined],
  ])('%j → %s', (line, uuid) => {
    expect(parseTaskStarted(line)).toBe(uuid);
  });
});

describe('parseSlaCheck', () => {
  it('returns the criteria that did not pass (real rally 3.3.0 output)', () => {
    const failed =
      '[{"criterion": "failure_rate", "detail": "Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed", "status": "FAIL", "benchmark": "Dummy.dummy_random_fail_in_atomic", "pos": 0}]';
    expect(parseSlaCheck(failed)).toEqual([
      { criterion: 'failure_rate', detail: 'Dummy.dummy_random_fail_in_atomic: Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed' },
    ]);
    const passed = '[{"criterion": "failure_rate", "detail": "Failure rate criteria 0.00% <= 0.00% <= 0.00% - Passed", "status": "PASS", "benchmark": "Dummy.dummy", "pos": 0}]';
    expect(parseSlaCheck(passed)).toEqual([]);
    expect(parseSlaCheck('[]')).toEqual([]);
  });

  it.each([
    ['', 'rally task sla-check --json: expected JSON, got nothing'],
    ['Task not found', 'rally task sla-check --json: expected JSON, got "Task not found"'],
    ['{"a": 1}', 'rally task sla-check --json: expected a list of criteria, got "{\\"a\\": 1}"'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSlaCheck(text)).toThrow(message);
  });
});

describe('describeSlaFailures', () => {
  it('lists three and counts the rest', () => {
    const failures = Array.from({ length: 5 }, (_, i) => ({ criterion: `c${i}`, detail: `d${i}` }));
    expect(describeSlaFailures(failures)).toBe('c0: d0; c1: d1; c2: d2; and 2 more');
    expect(describeSlaFailures(failures.slice(0, 1))).toBe('c0: d0');
  });
});

describe('rallyErrorLine', () => {
  it('finds the message under the log prefix, ANSI codes, carets and SQLAlchemy notes (real rally 3.3.0 stderr)', () => {
    const tail = [
      '2026-11-24 13:27:08.086 9195 ERROR rally     return self.dbapi.connect(*cargs, **cparams)',
      '2026-11-24 13:27:08.086 9195 ERROR rally            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      '2026-11-24 13:27:08.086 9195 ERROR rally oslo_db.exception.DBNonExistentDatabase: (sqlite3.OperationalError) unable to open database file',
      '2026-11-24 13:27:08.086 9195 ERROR rally (Background on this error at: https://sqlalche.me/e/14/e3q8)',
      '2026-11-24 13:27:08.086 9195 ERROR rally \u001b[00m',
    ].join('\n');
    expect(rallyErrorLine(tail)).toBe('oslo_db.exception.DBNonExistentDatabase: (sqlite3.OperationalError) unable to open database file');
    expect(rallyErrorLine('/usr/lib/python3/dist-packages/x.py:1: SAWarning: noise\n')).toBeUndefined();
  });
});
