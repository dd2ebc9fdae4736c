import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Clock } from '../core/clock.js';
import type { VerifyResult } from '../report/types.js';
import { normalizeSpec, type CommandSpec, type NormalizedSpec } from './command-spec.js';
import { captureOutput } from './output-capture.js';
import { groupAlive, signalGroup } from './process-group.js';
import { describeEnding, type Ending } from './short-message.js';

export type { CommandSpec, OutputStream } from './command-spec.js';

export interface RunCommandDeps {
  clock: Clock;
}

export interface RunCommandOptions {
  signal?: AbortSignal | undefined;
}

/** How long output may keep flowing after the command exited (a background grandchild holding the pipes). */
const drainAfterExitMs = 2_000;
/** How often a terminated group is checked for survivors during the SIGTERM grace period. */
const groupPollMs = 50;
/** How long SIGKILLed processes get to disappear before the result is returned anyway. */
const killSettleMs = 1_000;

type Exit = { code: number | null; signal: string | null } | { error: NodeJS.ErrnoException };

/**
 * Runs the verification command in its own process group and returns one result shape whether it passed or failed.
 * On timeout or abort, and once the command has ended for any reason, the whole group gets SIGTERM, then SIGKILL
 * after `killAfterMs`. Never throws for anything the
 * command does (a missing program is exit code 127); only invalid options throw.
 */
export async function runCommand(spec: CommandSpec, deps: RunCommandDeps, options: RunCommandOptions = {}): Promise<VerifyResult> {
  const settings = normalizeSpec(spec);
  const { clock } = deps;
  const { signal } = options;
  const startedAt = clock.now();
  const ending: Ending = {
    exitCode: null,
    signal: null,
    timedOut: false,
    timeoutMs: settings.timeoutMs,
    cancelled: false,
    escalated: false,
    killAfterMs: settings.killAfterMs,
    startFailure: undefined,
  };
  const result = (tails: { stdout: string; stderr: string }): VerifyResult => {
    const failed = ending.timedOut || ending.cancelled || ending.startFailure !== undefined || ending.signal !== null || ending.exitCode !== 0;
    return {
      command: settings.argv,
      shell: settings.shell,
      exitCode: ending.exitCode,
      signal: ending.signal,
      timedOut: ending.timedOut,
      cancelled: ending.cancelled,
      failed,
      startedAt,
      durationMs: clock.now() - startedAt,
      stdoutTail: tails.stdout,
      stderrTail: tails.stderr,
      shortMessage: describeEnding(ending),
    };
  };
  if (signal?.aborted) {
    ending.cancelled = true;
    return { ...result({ stdout: '', stderr: '' }), shortMessage: 'cancelled before the command started' };
  }

  const child = spawn(settings.file, settings.args, { cwd: settings.cwd, env: settings.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput({ stdout: child.stdout, stderr: child.stderr }, settings);
  const life = new AbortController();
  const ignore = (): void => undefined;
  let escalation: Promise<void> | undefined;

  const terminate = (): void => {
    const pid = child.pid;
    if (escalation || pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    escalation = escalate(pid).catch(ignore);
  };
  /** True once no process of the group runs any more; false when it still does after `withinMs`. */
  const groupEnds = async (pid: number, withinMs: number): Promise<boolean> => {
    const deadline = clock.now() + withinMs;
    while (groupAlive(pid)) {
      const left = deadline - clock.now();
      if (left <= 0) return false;
      await clock.sleep(Math.min(groupPollMs, left), life.signal);
    }
    return true;
  };
  /** SIGKILL once the grace period is over, then wait for the kernel to finish delivering it. */
  const escalate = async (pid: number): Promise<void> => {
    if (await groupEnds(pid, settings.killAfterMs)) return;
    ending.escalated = signalGroup(pid, 'SIGKILL');
    await groupEnds(pid, killSettleMs);
  };
  let exited = false;
  const onAbort = (): void => {
    if (!ending.timedOut && !exited) ending.cancelled = true;
    terminate();
  };

  try {
    const exit = new Promise<Exit>((resolve) => {
      child.on('error', (error) => {
        if (child.pid === undefined) resolve({ error });
      });
      child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (settings.timeoutMs !== undefined) {
      clock.sleep(settings.timeoutMs, life.signal).then(() => {
        if (!exited) ending.timedOut = true;
        terminate();
      }, ignore);
    }
    const ended = await exit;
    if ('error' in ended) {
      output.destroy();
      Object.assign(ending, describeStartFailure(ended.error, settings));
    } else {
      exited = true;
      ending.exitCode = ended.code;
      ending.signal = ended.signal;
      // Whatever ended the command (its own exit, a signal from outside), what it started in its group goes too.
      if (child.pid !== undefined && groupAlive(child.pid)) terminate();
      const drained = clock.sleep(drainAfterExitMs, life.signal).then(() => output.destroy(), ignore);
      await Promise.race([output.closed, drained]);
    }
    await output.closed;
    if (escalation && child.pid !== undefined && groupAlive(child.pid)) await escalation;
    return result({ stdout: output.tail('stdout'), stderr: output.tail('stderr') });
  } finally {
    life.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A command that never started: ENOENT is "command not found" (127), EACCES "not executable" (126), like a shell. */
function describeStartFailure(error: NodeJS.ErrnoException, settings: NormalizedSpec): Pick<Ending, 'exitCode' | 'startFailure'> {
  if (settings.cwd !== undefined && !existsSync(settings.cwd)) {
    return { exitCode: null, startFailure: `cannot start ${settings.file}: working directory ${settings.cwd} does not exist` };
  }
  if (error.code === 'ENOENT') return { exitCode: 127, startFailure: `command not found: ${settings.file} (exit code 127)` };
  if (error.code === 'EACCES') return { exitCode: 126, startFailure: `not executable: ${settings.file}, permission denied (exit code 126)` };
  return { exitCode: null, startFailure: `cannot start ${settings.file}: ${error.message}` };
}
