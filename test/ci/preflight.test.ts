import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ciDir = new URL('../../.ci/', import.meta.url).pathname;
const programs = readFileSync(join(ciDir, 'programs'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.split(/\s+/) as [string, string]);

/** Programs found on PATH (an absolute path, like a CNI plugin, is checked where it is and cannot be hidden here). */
const onPath = programs.filter(([program]) => !program.includes('/'));

/** Runs .ci/preflight on the PATH programs, with a PATH holding only links to `present` (the preflight needs bash alone). */
function preflightWith(present: string[], args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const bin = mkdtempSync(join(tmpdir(), 'kcm-preflight-'));
  dirs.push(bin);
  for (const name of present) symlinkSync('/bin/true', join(bin, name));
  const list = join(bin, 'programs.txt');
  writeFileSync(list, onPath.map(([program, pkg]) => `${program} ${pkg}`).join('\n'));
  const result = spawnSync('/bin/bash', [join(ciDir, 'preflight'), ...args], { env: { PATH: bin, KCM_PREFLIGHT_LIST: list }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('.ci/preflight', () => {
  it('lists the programs the tests spawn, each with a Debian package', () => {
    const names = programs.map(([program]) => program);
    expect(names).toEqual(expect.arrayContaining(['rsync', 'git', 'xmllint', 'java', 'kubectl', 'rally', 'etcd', 'openssl']));
    for (const [program, pkg] of programs) expect(pkg, program).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
  });

  it('passes when every program is present', () => {
    const result = preflightWith(onPath.map(([program]) => program));
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toBe(`preflight: all ${onPath.length} programs present\n`);
  });

  it('fails in one line naming each missing program and its Debian package', () => {
    const result = preflightWith(onPath.map(([program]) => program).filter((p) => p !== 'rsync' && p !== 'xmllint'));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'preflight: missing programs: rsync (Debian package rsync), xmllint (Debian package libxml2-utils)' +
        ' (install them with apt-get install -y rsync libxml2-utils)\n',
    );
  });

  it('names each missing package once for .ci/run to install', () => {
    const result = preflightWith(onPath.map(([program]) => program).filter((p) => !['base64', 'sleep', 'go'].includes(p)), ['--packages-of-missing']);
    expect(result).toMatchObject({ status: 0, stdout: 'coreutils\ngolang-go\n' });
  });
});
