import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from './lib/exec.js';
import { repoRoot } from './lib/paths.js';
import { e2e, stackFrame } from './lib/scenario.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const cleanEnv = (home: string) => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' });

describe('the packed tarball', () => {
  it('runs through `npx --package <tarball>` exactly as a CI step would', async () => {
    const dir = await mkdtemp(join(e2e.workDir, 'npx-'));
    const env = { ...cleanEnv(dir), npm_config_cache: process.env['npm_config_cache'] ?? join(process.env['HOME'] ?? dir, '.npm') };
    const r = await exec('npx', ['--yes', '--package', e2e.cli.tarball, '--', 'kube-cookiemonster', '--version'], { cwd: dir, env, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('refuses to run without a kubeconfig instead of guessing localhost:8080 (exit 2)', async () => {
    const dir = await mkdtemp(join(e2e.workDir, 'nokube-'));
    const r = await exec(e2e.cli.bin, ['run', '--cookies', join(repoRoot, 'cookies.d'), '--ci', 'plain', '--', 'true'], { cwd: dir, env: cleanEnv(dir), timeoutMs: 60_000 });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toMatch(/kubeconfig/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/localhost:8080/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(stackFrame);
  });
});
