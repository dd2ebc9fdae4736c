import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot, run, scratchDir, type Exec } from './helpers.js';

const gitlabCiLocalBin = join(repoRoot, 'node_modules/gitlab-ci-local/dist/index.js');

/** gitlab-ci-local resolves `include: local:` through `git ls-files`, so the files live in a throwaway repository. */
export async function scratchGitRepo(files: Record<string, string>): Promise<string> {
  const dir = await scratchDir('gitlab');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const git = (...args: string[]) => run('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', '-c', 'init.defaultBranch=main', ...args], { cwd: dir });
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'templates']]) {
    const result = await git(...args);
    if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  }
  return dir;
}

/** Runs gitlab-ci-local 4.70.1 in `cwd` with its own HOME, so no user-level variables leak in. */
export function gitlabCiLocal(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exec> {
  return run(process.execPath, [gitlabCiLocalBin, '--no-color', ...args], {
    cwd,
    env: { PATH: process.env['PATH'], HOME: cwd, ...env },
    timeoutMs: 120_000,
  });
}
