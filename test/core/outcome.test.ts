import { describe, expect, it } from 'vitest';
import { decideOutcome, type OutcomeInput } from '../../src/core/outcome.js';
import type { LogEntry } from '../../src/log/entries.js';
import type { VerifyResult } from '../../src/report/types.js';

const verify = (failed: boolean): VerifyResult => ({
  command: ['npm', 'test'],
  shell: false,
  exitCode: failed ? 1 : 0,
  signal: null,
  timedOut: false,
  cancelled: false,
  failed,
  startedAt: 0,
  durationMs: 10,
  stdoutTail: '',
  stderrTail: '',
  shortMessage: failed ? 'exited with code 1' : 'passed',
});

const recovery = (recoveredMs: number | undefined): LogEntry => ({
  kind: 'recovery',
  at: 1,
  cookie: 'c',
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  workload: { kind: 'deployment', namespace: 'ns', name: 'api' },
  method: 'poll',
  replacementMs: 100,
  recoveredMs,
  recovered: recoveredMs !== undefined,
});

const input = (change: Partial<OutcomeInput>): OutcomeInput => ({
  interrupted: undefined,
  deployCheck: [],
  fatal: undefined,
  verification: verify(false),
  entries: [],
  maxRecoveryMs: undefined,
  ...change,
});

const notReady = [{ name: 'deployment/ns/api', workload: undefined, ready: false, message: 'waiting', durationMs: 1 }];

describe('decideOutcome', () => {
  it.each([
    ['nothing wrong', {}, 'passed', 0],
    ['verification failed', { verification: verify(true) }, 'verify-failed', 1],
    ['deploy check failed', { deployCheck: notReady }, 'deploy-failed', 3],
    ['cluster error before chaos', { fatal: 'cluster unreachable' }, 'cluster-failed', 3],
    ['not ready and a cluster error', { deployCheck: notReady, fatal: 'cluster unreachable' }, 'deploy-failed', 3],
    ['unrecovered workload', { entries: [recovery(undefined)] }, 'chaos-failed', 4],
    ['recovery over the SLO', { entries: [recovery(5000)], maxRecoveryMs: 1000 }, 'chaos-failed', 4],
    ['recovery within the SLO', { entries: [recovery(500)], maxRecoveryMs: 1000 }, 'passed', 0],
    ['verification beats chaos', { verification: verify(true), entries: [recovery(undefined)] }, 'verify-failed', 1],
    ['deploy beats verification', { verification: verify(true), deployCheck: notReady }, 'deploy-failed', 3],
    ['SIGINT beats everything', { interrupted: 'SIGINT' as const, verification: verify(true) }, 'interrupted', 130],
    ['SIGTERM', { interrupted: 'SIGTERM' as const }, 'interrupted', 143],
  ])('%s', (_name, change, outcome, exitCode) => {
    const verdict = decideOutcome(input(change));
    expect(verdict.outcome).toBe(outcome);
    expect(verdict.exitCode).toBe(exitCode);
    expect(verdict.problems.length > 0).toBe(outcome !== 'passed');
  });

  it('names the SLO and the measured time', () => {
    const { problems } = decideOutcome(input({ entries: [recovery(5000)], maxRecoveryMs: 1000 }));
    expect(problems).toEqual(['slow recovery: deployment/ns/api after pod p was killed: 5s, over the 1s SLO']);
  });
});
