import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = join(repoRoot, 'dist');
export const binPath = join(distDir, 'bin.js');

/** A section that cannot run yet (a module not built); the harness reports it instead of failing. */
export class Unavailable extends Error {}

/** Imports a built module from dist/ (e.g. 'core/scheduler.js'); names the missing file and the fix if absent. */
export async function importDist(relative) {
  const file = join(distDir, relative);
  if (!existsSync(file)) throw new Unavailable(`dist/${relative} is missing: run \`npm run build\` (src/${relative.replace(/\.js$/, '.ts')} must exist)`);
  return import(pathToFileURL(file).href);
}
