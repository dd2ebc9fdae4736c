import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execOrThrow } from '../lib/exec.js';
import { repoRoot } from '../lib/paths.js';

export interface InstalledCli {
  tarball: string;
  /** node_modules/.bin/cookiemonster of a project that installed the tarball, as `npx` would run it. */
  bin: string;
  projectDir: string;
}

/**
 * `npm pack` the repository (dist must be built) and `npm install` the tarball into a fresh project.
 * `prebuilt` (KCM_E2E_TARBALL) skips the pack and tests that tarball instead, e.g. the one about to be published.
 */
export async function installPackedCli(workDir: string, log: (line: string) => void, prebuilt?: string): Promise<InstalledCli> {
  const projectDir = join(workDir, 'app');
  await mkdir(projectDir, { recursive: true });
  const tarball = prebuilt ?? (await packRepository(join(workDir, 'pack'), log));
  await writeFile(join(projectDir, 'package.json'), JSON.stringify({ name: 'kcm-e2e-app', private: true, version: '0.0.0' }, null, 2));
  const t = Date.now();
  await execOrThrow('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: projectDir, timeoutMs: 300_000 });
  log(`npm install <tarball>: ${Date.now() - t} ms`);
  const bin = join(projectDir, 'node_modules/.bin/cookiemonster');
  if (!existsSync(bin)) throw new Error(`installing ${tarball} created no ${bin}`);
  return { tarball, bin, projectDir };
}

async function packRepository(packDir: string, log: (line: string) => void): Promise<string> {
  if (!existsSync(join(repoRoot, 'dist/bin.js'))) throw new Error('dist/bin.js is missing: run `npm run build` (npm run test:e2e does) first');
  await mkdir(packDir, { recursive: true });
  const t = Date.now();
  const packed = await execOrThrow('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: repoRoot, timeoutMs: 120_000 });
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; entryCount: number; size: number }[];
  const filename = info[0]?.filename;
  if (!filename) throw new Error(`npm pack printed no file name: ${packed.stdout.slice(0, 300)}`);
  log(`npm pack: ${filename}, ${info[0]?.entryCount} files, ${info[0]?.size} bytes, ${Date.now() - t} ms`);
  return join(packDir, filename);
}
