import { describe, expect, it } from 'vitest';
import { describeExitCode, describeSignal, signalOfExitCode } from '../../src/verify/exit-codes.js';
import { describeEnding, type Ending } from '../../src/verify/short-message.js';

describe('describeExitCode', () => {
  it.each([
    [1, undefined],
    [2, undefined],
    [126, 'not executable, or permission denied'],
    [127, 'command not found'],
    [130, 'SIGINT: interrupted'],
    [137, 'SIGKILL: killed, e.g. by the out-of-memory killer'],
    [139, 'SIGSEGV: segmentation fault'],
    [143, 'SIGTERM: terminated'],
    [128, undefined],
    [255, undefined],
  ])('%i → %s', (code, text) => {
    expect(describeExitCode(code)).toBe(text);
  });

  it('maps 128+N to the signal number N', () => {
    expect(signalOfExitCode(137)).toBe('SIGKILL');
    expect(signalOfExitCode(129)).toBe('SIGHUP');
    expect(signalOfExitCode(3)).toBeUndefined();
    expect(describeSignal('SIGUSR1')).toBeUndefined();
  });
});

describe('describeEnding: precedence timed out › cancelled › start failure › signal › exit code', () => {
  const base: Ending = { exitCode: 0, signal: null, timedOut: false, timeoutMs: 30_000, cancelled: false, escalated: false, killAfterMs: 10_000, startFailure: undefined };
  it.each<[Partial<Ending>, string]>([
    [{}, 'passed'],
    [{ exitCode: 3 }, 'exited with code 3'],
    [{ exitCode: 143 }, 'exited with code 143 (SIGTERM: terminated)'],
    [{ exitCode: null, signal: 'SIGKILL' }, 'killed by SIGKILL (killed, e.g. by the out-of-memory killer)'],
    [{ exitCode: null, signal: 'SIGUSR2' }, 'killed by SIGUSR2'],
    [{ exitCode: null }, 'ended without an exit code'],
    [{ exitCode: 127, startFailure: 'command not found: x (exit code 127)' }, 'command not found: x (exit code 127)'],
    [{ exitCode: null, signal: 'SIGTERM', cancelled: true }, 'cancelled'],
    [{ exitCode: null, signal: 'SIGKILL', cancelled: true, escalated: true }, 'cancelled; still running 10s after SIGTERM, so it got SIGKILL'],
    [{ exitCode: null, signal: 'SIGTERM', timedOut: true, cancelled: true }, 'timed out after 30s'],
    [{ exitCode: null, signal: 'SIGKILL', timedOut: true, escalated: true }, 'timed out after 30s; still running 10s after SIGTERM, so it got SIGKILL'],
  ])('%j → %s', (change, message) => {
    expect(describeEnding({ ...base, ...change })).toBe(message);
  });
});
