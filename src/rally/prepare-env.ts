import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { CookieError } from '../errors.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import { runCommand } from '../verify/run-command.js';
import { rallyArgv, rallyEnv, type RallyInvocation } from './rally-command.js';
import { rallyErrorLine } from './rally-output.js';

export interface PrepareRallyOptions extends Pick<RallyInvocation, 'executable' | 'env'> {
  /** The private HOME Rally runs with (its ~/.rally/globals remembers the env and the last task). */
  home: string;
  /** The SQLite database file; created with an env named "local" when missing. */
  dbPath: string;
  /** Where to write the config file (default HOME/rally.conf). */
  configFile?: string;
  timeoutMs?: number;
}

/**
 * A throw-away Rally for the `--rally` preset: writes a config with `[database] connection = sqlite:////abs/path`
 * and, when the database does not exist yet, runs `rally db create` and `rally env create --name local`.
 *
 * Users with an existing Rally deployment skip this: they pass their own config (`--rally-config`, whose
 * `[database]` points at their database) and `--rally-deployment NAME`, and keep their usual HOME.
 */
export async function prepareRallyEnv(
  options: PrepareRallyOptions,
  deps: { clock: Clock },
  { signal }: { signal?: AbortSignal } = {},
): Promise<{ configFile: string; dbPath: string; created: boolean }> {
  const dbPath = resolve(options.dbPath);
  const configFile = resolve(options.configFile ?? join(options.home, 'rally.conf'));
  await writeFileAtomic(configFile, `[database]\nconnection = sqlite:///${dbPath}\n`);
  if (existsSync(dbPath)) return { configFile, dbPath, created: false };
  await mkdir(dirname(dbPath), { recursive: true });
  const invocation: RallyInvocation = { ...options, configFile };
  for (const args of [['db', 'create'], ['env', 'create', '--name', 'local']]) {
    const result = await runCommand(
      { argv: rallyArgv(invocation, ...args), env: rallyEnv(invocation), timeoutMs: options.timeoutMs ?? 120_000 },
      deps,
      { signal },
    );
    if (result.failed) {
      const last = rallyErrorLine(result.stderrTail);
      throw new CookieError('config-invalid', `rally ${args.join(' ')} ${result.shortMessage}${last ? `: ${last}` : ''}`, {
        hint: result.exitCode === 127 ? 'install Rally (Debian: apt-get install -y rally)' : `check the database in ${configFile}`,
        details: { configFile, dbPath },
      });
    }
  }
  return { configFile, dbPath, created: true };
}
