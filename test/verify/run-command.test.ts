import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { isCookieError } from '../../src/errors.js';
import { runCommand } from '../../src/verify/run-command.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { fixture, isRunning } from './fixtures.js';

const deps = { clock: systemClock };

describe('runCommand: how a command ends', () => {
  it('passes on exit 0 and keeps both streams', async () => {
    const lines: string[] = [];
    const result = await runCommand({ argv: fixture('pass.mjs'), onLine: (stream, line) => lines.push(`${stream}: ${line}`) }, deps);
    expect(result).toMatchObject({ exitCode: 0, signal: null, failed: false, timedOut: false, cancelled: false, shell: false, shortMessage: 'passed' });
    expect(result.stdoutTail).toBe('pass: all good');
    expect(result.stderrTail).toBe('pass: a warning on stderr');
    expect(lines.sort()).toEqual(['stderr: pass: a warning on stderr', 'stdout: pass: all good']);
    expect(result.command).toEqual(fixture('pass.mjs'));
  });

  it('fails with the exit code in the same result shape', async () => {
    const result = await runCommand({ argv: fixture('fail.mjs') }, deps);
    expect(result).toMatchObject({ exitCode: 3, signal: null, failed: true, shortMessage: 'exited with code 3' });
    expect(result.stderrTail).toBe('fail: something broke');
    expect(Object.keys(result).sort()).toEqual(Object.keys(await runCommand({ argv: fixture('pass.mjs') }, deps)).sort());
  });

  it('reports a missing program as exit code 127 instead of throwing', async () => {
    const result = await runCommand({ argv: ['kcm-no-such-command-4711', '--flag'] }, deps);
    expect(result).toMatchObject({ exitCode: 127, failed: true, shortMessage: 'command not found: kcm-no-such-command-4711 (exit code 127)' });
  });

  it('reports a file without execute permission as exit code 126', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcm-verify-'));
    const script = join(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    const result = await runCommand({ argv: [script] }, deps);
    expect(result).toMatchObject({ exitCode: 126, failed: true });
    expect(result.shortMessage).toBe(`not executable: ${script}, permission denied (exit code 126)`);
  });

  it('names a missing working directory', async () => {
    const result = await runCommand({ argv: fixture('pass.mjs'), cwd: '/nonexistent/kcm-dir' }, deps);
    expect(result.failed).toBe(true);
    expect(result.shortMessage).toContain('working directory /nonexistent/kcm-dir does not exist');
  });

  it('runs a shell string through /bin/sh -c and explains shell exit codes', async () => {
    expect(await runCommand({ argv: ['echo "$KCM_WORD"; exit 4'], shell: true, env: { KCM_WORD: 'hello', PATH: process.env['PATH'] } }, deps)).toMatchObject({
      exitCode: 4,
      stdoutTail: 'hello',
      shell: true,
      shortMessage: 'exited with code 4',
    });
    expect((await runCommand({ argv: ['kcm-no-such-command-4711'], shell: true }, deps)).shortMessage).toBe('exited with code 127 (command not found)');
    expect((await runCommand({ argv: ['exit 137'], shell: true }, deps)).shortMessage).toBe('exited with code 137 (SIGKILL: killed, e.g. by the out-of-memory killer)');
  });

  it('says which signal killed the command', async () => {
    const result = await runCommand({ argv: ['kill -SEGV $$'], shell: true }, deps);
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGSEGV', failed: true, shortMessage: 'killed by SIGSEGV (segmentation fault)' });
  });

  it('passes cwd and the given environment (not merged with ours)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcm-verify-'));
    const result = await runCommand({ argv: ['pwd; echo "[$KCM_ONLY][$HOME]"'], shell: true, cwd: dir, env: { KCM_ONLY: 'x' } }, deps);
    expect(result.stdoutTail).toBe(`${dir}\n[x][]`);
  });

  it('gives the command no stdin, so a reader ends at once', async () => {
    const result = await runCommand({ argv: ['cat'], timeoutMs: 5_000 }, deps);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
  });
});

describe('runCommand: timeouts, cancellation, process groups', () => {
  /** Grandchildren a failing test may leave behind; never outlive the test file. */
  const leftovers: number[] = [];
  afterEach(() => {
    for (const pid of leftovers.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });

  it('terminates the command after timeoutMs (real clock)', async () => {
    const result = await runCommand({ argv: fixture('hang.mjs'), timeoutMs: 400 }, deps);
    expect(result).toMatchObject({ timedOut: true, cancelled: false, failed: true, signal: 'SIGTERM', shortMessage: 'timed out after 400ms' });
    expect(result.stdoutTail).toBe('hang: ready');
    expect(result.durationMs).toBeGreaterThanOrEqual(400);
    expect(result.durationMs).toBeLessThan(3_000);
  });

  it('a timeout longer than setTimeout can wait (600h) has not fired when the command ends by itself (real clock)', async () => {
    const result = await runCommand({ argv: fixture('pass.mjs'), timeoutMs: 600 * 3_600_000 }, deps);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, failed: false, shortMessage: 'passed' });
  });

  it('takes its timeout from the injected clock', async () => {
    const clock = createFakeClock(1_000);
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const running = runCommand({ argv: fixture('hang.mjs'), timeoutMs: 60_000, onLine: () => ready() }, { clock });
    await started;
    await clock.whenSleeping(1);
    await clock.advance(59_999);
    expect(clock.pendingSleeps()).toBe(1);
    await clock.advance(1);
    const result = await running;
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGTERM', startedAt: 1_000, shortMessage: 'timed out after 1m' });
    expect(result.durationMs).toBe(60_000);
  });

  it('sends SIGKILL when the command ignores SIGTERM for killAfterMs', async () => {
    const lines: string[] = [];
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const controller = new AbortController();
    const running = runCommand(
      { argv: fixture('ignore-sigterm.mjs'), killAfterMs: 300, onLine: (_, line) => (lines.push(line), ready()) },
      deps,
      { signal: controller.signal },
    );
    await started;
    const abortedAt = Date.now();
    controller.abort();
    const result = await running;
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(290);
    expect(result).toMatchObject({ cancelled: true, timedOut: false, signal: 'SIGKILL', shortMessage: 'cancelled; still running 300ms after SIGTERM, so it got SIGKILL' });
    expect(lines).toContain('ignore-sigterm: got SIGTERM, ignoring it');
  });

  it('kills the grandchildren too (the whole process group)', async () => {
    let grandchild = 0;
    const result = await runCommand(
      { argv: fixture('spawns-child.mjs'), timeoutMs: 1_500, onLine: (_, line) => (grandchild = Number(line.split(' ')[1])) },
      deps,
    );
    expect(result.timedOut).toBe(true);
    expect(grandchild).toBeGreaterThan(0);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('SIGKILLs a grandchild that ignores SIGTERM and holds no pipe, after the grace period', async () => {
    let grandchild = 0;
    const result = await runCommand(
      { argv: fixture('spawns-child.mjs', '--stubborn', '--detached-stdio'), timeoutMs: 1_500, killAfterMs: 300, onLine: (_, line) => (grandchild = Number(line.split(' ')[1])) },
      deps,
    );
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    expect(result.shortMessage).toBe('timed out after 1.5s; still running 300ms after SIGTERM, so it got SIGKILL');
    expect(grandchild).toBeGreaterThan(0);
    expect(isRunning(grandchild)).toBe(false);
  });

  it.each([
    ['killed by SIGKILL', [], { signal: 'SIGKILL', exitCode: null, failed: true, shortMessage: 'killed by SIGKILL (killed, e.g. by the out-of-memory killer)' }],
    ['exiting with code 0', ['--exit', '0'], { signal: null, exitCode: 0, failed: false, shortMessage: 'passed' }],
    ['exiting with code 3', ['--exit', '3'], { signal: null, exitCode: 3, failed: true }],
  ])('terminates the process group left behind by a command %s', async (_how, args, expected) => {
    let grandchild = 0;
    const result = await runCommand({ argv: fixture('dies-leaving-child.mjs', ...args), onLine: (_, line) => leftovers.push((grandchild = Number(line.split(' ')[1]))) }, deps);
    expect(result).toMatchObject({ ...expected, timedOut: false, cancelled: false });
    expect(grandchild).toBeGreaterThan(0);
    // Waits for the event; vitest's test timeout is the only bound.
    while (isRunning(grandchild)) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('does not wait for the grace period when the group dies on SIGTERM', async () => {
    const begun = Date.now();
    const result = await runCommand({ argv: fixture('spawns-child.mjs', '--detached-stdio'), timeoutMs: 1_000, killAfterMs: 10_000 }, deps);
    expect(result.shortMessage).toBe('timed out after 1s');
    expect(Date.now() - begun).toBeLessThan(4_000);
  });

  it('cancels on abort and leaves no abort listener behind', async () => {
    const controller = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const running = runCommand({ argv: fixture('hang.mjs'), onLine: () => ready() }, deps, { signal: controller.signal });
    await started;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(await running).toMatchObject({ cancelled: true, timedOut: false, signal: 'SIGTERM', failed: true, shortMessage: 'cancelled' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes its abort listener when the command ends by itself', async () => {
    const controller = new AbortController();
    await runCommand({ argv: fixture('pass.mjs'), timeoutMs: 10_000 }, deps, { signal: controller.signal });
    await runCommand({ argv: ['kcm-no-such-command-4711'] }, deps, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('leaves no pending sleep on the clock once done', async () => {
    const clock = createFakeClock();
    await runCommand({ argv: fixture('pass.mjs'), timeoutMs: 10_000 }, { clock });
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('does not start a command when the signal is already aborted', async () => {
    const result = await runCommand({ argv: ['kcm-no-such-command-4711'] }, deps, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ cancelled: true, exitCode: null, failed: true, shortMessage: 'cancelled before the command started' });
  });

  it('reports a timeout before a cancellation when both happened', async () => {
    const controller = new AbortController();
    const result = await runCommand({ argv: fixture('ignore-sigterm.mjs'), timeoutMs: 300, killAfterMs: 300 }, deps, { signal: controller.signal }).finally(() => controller.abort());
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(result.shortMessage).toMatch(/^timed out after 300ms/);
  });
});

describe('runCommand: output', () => {
  it('streams every line of a noisy command and keeps bounded tails', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await runCommand(
      { argv: fixture('noisy.mjs', '5000', '1000000'), tailLines: 5, onLine: (stream, line) => (stream === 'stdout' ? out : err).push(line) },
      deps,
    );
    expect(result.exitCode).toBe(0);
    expect(err).toHaveLength(5001);
    expect(err.slice(0, 5000)).toEqual(Array.from({ length: 5000 }, (_, i) => `err line ${i + 1}`));
    expect(err.at(-1)).toBe('err last line without newline');
    expect(out.slice(0, 5001)).toEqual([...Array.from({ length: 5000 }, (_, i) => `out line ${i + 1}`), '€ split']);
    // The 1,000,000-character line arrives in 65,536-character pieces.
    const pieces = out.slice(5001, -1);
    expect(pieces.join('')).toBe('x'.repeat(1_000_000));
    expect(Math.max(...pieces.map((p) => p.length))).toBe(65_536);
    expect(out.at(-1)).toBe('out last line without newline');
    expect(result.stderrTail.split('\n')).toEqual(['err line 4997', 'err line 4998', 'err line 4999', 'err line 5000', 'err last line without newline']);
    const tail = result.stdoutTail.split('\n');
    expect(tail).toHaveLength(5);
    expect(tail.at(-1)).toBe('out last line without newline');
    expect(result.stdoutTail.length).toBeLessThan(5 * 4200);
  });

  it('keeps no tail when tailLines is 0', async () => {
    expect(await runCommand({ argv: fixture('fail.mjs'), tailLines: 0 }, deps)).toMatchObject({ stdoutTail: '', stderrTail: '' });
  });

  it('survives an onLine listener that throws', async () => {
    const result = await runCommand({ argv: fixture('pass.mjs'), onLine: () => { throw new Error('listener bug'); } }, deps);
    expect(result).toMatchObject({ exitCode: 0, stdoutTail: 'pass: all good' });
  });

  it('ends a background process that keeps the pipes open together with the command, and returns', async () => {
    const result = await runCommand({ argv: ['sleep 30 & echo $!'], shell: true }, deps);
    const sleeper = Number(result.stdoutTail);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, shortMessage: 'passed' });
    expect(isRunning(sleeper)).toBe(false);
  });
});

describe('runCommand: invalid options', () => {
  it.each([
    [{ argv: [] }, 'runCommand: expected `argv` to be a non-empty array of strings, got [] (array)'],
    [{ argv: ['a', 'b'], shell: true }, 'runCommand: expected `argv` to be one shell command string when `shell` is true, got ["a","b"] (array)'],
    [{ argv: ['true'], timeoutMs: 0 }, 'runCommand: expected `timeoutMs` to be a positive number of milliseconds, got 0 (number)'],
    [{ argv: ['true'], killAfterMs: -1 }, 'runCommand: expected `killAfterMs` to be a number of milliseconds ≥ 0, got -1 (number)'],
    [{ argv: ['true'], tailLines: 1.5 }, 'runCommand: expected `tailLines` to be a whole number ≥ 0, got 1.5 (number)'],
  ])('%j is refused with a message naming the option', async (spec, message) => {
    const error: unknown = await runCommand(spec, deps).catch((e: unknown) => e);
    expect(isCookieError(error) && error.code).toBe('usage');
    expect((error as Error).message).toBe(message);
  });
});
