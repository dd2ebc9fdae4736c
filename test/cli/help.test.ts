import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { moduleRecorder } from '../helpers/loaded-modules.js';
import { binPath } from './run-cli.js';

const run = promisify(execFile);
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** Runs the built CLI recording every module URL the process loads. */
async function loadedModules(args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const recorder = moduleRecorder();
  const { stdout } = await run(process.execPath, [binPath, ...args], { cwd: tmpdir(), env: { ...process.env, ...recorder.env } });
  return { stdout, modules: recorder.modules() };
}

describe('--help and --version', () => {
  it('--version prints our own package version', async () => {
    const { stdout } = await run(process.execPath, [binPath, '--version'], { cwd: tmpdir() });
    expect(stdout.trim()).toBe(packageVersion);
  });

  it('the built bin is executable on its own, as npm link and a reused npx cache run it', async () => {
    const { stdout } = await run(binPath, ['--version'], { cwd: tmpdir() });
    expect(stdout.trim()).toBe(packageVersion);
  });

  it('--help lists every command, each with an example', async () => {
    const { stdout } = await run(process.execPath, [binPath, '--help']);
    const examples = stdout.slice(stdout.indexOf('Examples:'));
    for (const name of ['run', 'demo', 'cookies', 'serve', 'start', 'stop', 'status']) {
      expect(stdout).toMatch(new RegExp(`^  cookiemonster ${name}\\b`, 'm'));
      expect(examples).toMatch(new RegExp(`^  cookiemonster ${name} `, 'm'));
    }
    expect(stdout).toMatch(/Exit codes: 0 passed/);
  });

  it.each([[['--help']], [['run', '--help']], [['cookies', '--help']], [['serve', '--help']], [['stop', '--help']]])(
    '%j loads neither @kubernetes/client-node nor zod',
    async (args) => {
      const { stdout, modules } = await loadedModules(args);
      expect(stdout).toMatch(/Options:/);
      expect(modules.some((url) => url.endsWith('/dist/bin.js'))).toBe(true);
      expect(modules.filter((url) => /node_modules\/(@kubernetes\/client-node|zod)\//.test(url))).toEqual([]);
    },
  );
});
