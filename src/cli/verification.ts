import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Verification } from '../core/pipeline.js';
import { readExternalJUnit } from '../report/merge-junit.js';
import { runRally } from '../rally/run-rally.js';
import { runCommand } from '../verify/run-command.js';
import type { RunFlags } from './run-options.js';

type LineSink = (stream: 'stdout' | 'stderr', line: string) => void;

/** The verification step `run` was asked for: the command after `--`, the Rally preset, or none. */
export function buildVerification(flags: RunFlags, deps: { clock: Clock; cwd: string; env: Readonly<Record<string, string | undefined>>; onLine: LineSink }): Verification | undefined {
  if (flags.rally) {
    const taskFile = resolve(deps.cwd, flags.rally);
    return {
      command: ['rally', 'task', 'start', taskFile],
      run: async (signal) => {
        const rally = await runRally(
          {
            taskFile,
            configFile: flags['rally-config'] && resolve(deps.cwd, flags['rally-config']),
            deployment: flags['rally-deployment'],
            workDir: resolve(deps.cwd, 'reports'),
            timeoutMs: flags['verify-timeout'],
            killAfterMs: flags['kill-after'],
            onLine: deps.onLine,
          },
          { clock: deps.clock },
          { signal },
        );
        return { result: rally.verify, externalCases: rally.externalCases };
      },
    };
  }
  if (flags.command.length === 0) return undefined;
  return {
    command: flags.command,
    run: async (signal) => {
      const result = await runCommand(
        {
          argv: flags.shell ? [flags.command.join(' ')] : flags.command,
          shell: flags.shell,
          cwd: deps.cwd,
          env: { ...deps.env },
          timeoutMs: flags['verify-timeout'],
          killAfterMs: flags['kill-after'],
          onLine: deps.onLine,
        },
        { clock: deps.clock },
        { signal },
      );
      const junitFile = flags['verify-junit'];
      if (!junitFile) return { result, externalCases: [] };
      try {
        const xml = await readFile(resolve(deps.cwd, junitFile), 'utf8');
        return { result, externalCases: readExternalJUnit(xml, { defaultSuite: 'verification' }) };
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        const missing = { suite: 'verification', className: 'verification', name: `--verify-junit ${junitFile}`, timeSeconds: 0, error: `cannot read ${junitFile}: ${reason}` };
        return { result, externalCases: [missing] };
      }
    },
  };
}
