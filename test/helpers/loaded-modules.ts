import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A module-loader hook for a child Node process: `env` (NODE_OPTIONS) makes it record every module URL it loads,
 * `modules()` reads them back.
 */
export function moduleRecorder(): { env: Record<string, string>; modules(): string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kcm-modules-'));
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  return {
    env: { NODE_OPTIONS: `--import=${join(dir, 'register.mjs')}` },
    modules: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

export const clientNodeModules = (modules: string[]): string[] => modules.filter((url) => url.includes('/node_modules/@kubernetes/client-node/'));
