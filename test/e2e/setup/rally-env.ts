import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, execOrThrow } from '../lib/exec.js';

export type RallyEnv = { home: string; config: string; deployment: string } | { missing: string };

/**
 * A private Rally: its own HOME (Rally keeps the current env in ~/.rally/globals) and a sqlite database named in a
 * --config-file, with `rally db create` and `rally env create --name local` done once for the whole suite.
 */
export async function prepareRally(workDir: string, log: (line: string) => void): Promise<RallyEnv> {
  const which = await exec('sh', ['-c', 'command -v rally']);
  if (which.code !== 0) return { missing: 'rally is not installed (apt-get install -y rally)' };
  const dir = join(workDir, 'rally');
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  const config = join(dir, 'rally.conf');
  await writeFile(config, `[database]\nconnection = sqlite:///${join(dir, 'rally.sqlite')}\n`);
  const env = { ...process.env, HOME: home };
  const t = Date.now();
  await execOrThrow('rally', ['--config-file', config, 'db', 'create'], { env, timeoutMs: 120_000 });
  await execOrThrow('rally', ['--config-file', config, 'env', 'create', '--name', 'local'], { env, timeoutMs: 120_000 });
  log(`rally db create + env create: ${Date.now() - t} ms`);
  return { home, config, deployment: 'local' };
}
