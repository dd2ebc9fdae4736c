import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCookieRoot, loadCookieFile, loadCookies } from '../../src/config/load.js';
import type { Cookie, KillPodCookie, NodeExecCookie } from '../../src/config/schema.js';

const repo = resolve(import.meta.dirname, '../..');
const fixtures = resolve(repo, 'test/fixtures/cookies');

const killpod = (cookies: Cookie[], name: string): KillPodCookie => {
  const found = cookies.find((c) => c.group === 'killpod' && c.name === name);
  if (!found || found.group !== 'killpod') throw new Error(`no killpod cookie ${name} in ${cookies.map((c) => c.name).join(', ')}`);
  return found;
};

const defaultSafety = { minAvailable: 2, quorum: false, allowKubeSystem: false };

describe('generation 1 cookie files load unchanged', () => {
  it("the repo's own cookies.d", async () => {
    const loaded = await loadCookies(resolve(repo, 'cookies.d'), repo);
    expect(loaded.problems).toEqual([]);
    expect(loaded.cookies.map((c) => `${c.group}/${c.name}`)).toEqual([
      'killpod/openstack-random-daemonset',
      'killpod/openstack-random-deployment',
      'killpod/openstack-random-statefulset',
      'nodeexec/test-exec-all',
    ]);
    expect(killpod(loaded.cookies, 'openstack-random-deployment')).toMatchObject({
      source: 'cookies.d/killpod/openstack-random-deployment.json',
      kind: 'deployment',
      namespace: 'openstack',
      workload: undefined,
      count: { mode: 'fixed', n: 1 },
      intervalMs: 30_000,
      durationMs: 600_000,
      slack: false,
    });
  });

  it('the original shipped files, including test-mariadb and test-rabbitmq without target', async () => {
    const loaded = await loadCookies(join(fixtures, 'original'), fixtures);
    expect(loaded.problems).toEqual([]);
    expect(killpod(loaded.cookies, 'openstack-random-daemonset')).toEqual({
      group: 'killpod',
      name: 'openstack-random-daemonset',
      source: 'original/killpod/openstack-random-daemonset.json',
      kind: 'daemonset',
      namespace: 'openstack',
      workload: undefined,
      count: { mode: 'fixed', n: 1 },
      intervalMs: 60_000,
      durationMs: 600_000,
      slack: true,
      fatal: false,
      events: false,
      mode: undefined,
      gracePeriodSeconds: undefined,
      podSelector: undefined,
      annotations: undefined,
      podNamePattern: undefined,
      minPodAgeMs: undefined,
      safety: defaultSafety,
    });
    expect(killpod(loaded.cookies, 'test-mariadb')).toMatchObject({
      kind: 'statefulset',
      namespace: 'test',
      workload: 'mariadb',
      count: { mode: 'fixed', n: 1 },
      intervalMs: 15_000,
      durationMs: 600_000,
      slack: false,
    });
    expect(killpod(loaded.cookies, 'test-rabbitmq')).toMatchObject({
      kind: 'deployment',
      workload: 'rabbitmq',
      intervalMs: 10_000,
    });
  });

  it('nodeexec test-exec-all without name and with commands missing parameters', async () => {
    const loaded = await loadCookies(join(fixtures, 'original'), fixtures);
    const exec = loaded.cookies.find((c): c is NodeExecCookie => c.group === 'nodeexec');
    expect(exec).toEqual({
      group: 'nodeexec',
      name: 'test-exec-all',
      source: 'original/nodeexec/test-exec-all.json',
      target: { kind: 'all' },
      commands: [
        { command: 'hostname', parameters: [] },
        { command: 'whoami', parameters: [] },
        { command: 'ps', parameters: ['aux'] },
      ],
      slack: false,
    });
  });

  it.each([
    ['', { kind: 'random' }],
    ['cn02.k4.stg.taco', { kind: 'node', name: 'cn02.k4.stg.taco' }],
    [null, { kind: 'random' }],
  ])('nodeexec target %j → %j', async (target, expected) => {
    const dir = await tempDir();
    await writeCookie(dir, 'nodeexec/exec.json', { name: 'x', target, commands: [{ command: 'uptime', parameters: null }] });
    const { cookies, problems } = await loadCookies(dir, dir);
    expect(problems).toEqual([]);
    expect(cookies[0]).toMatchObject({ target: expected, commands: [{ command: 'uptime', parameters: [] }] });
  });

  it('keys that differ only by case load, as Go encoding/json matched them', async () => {
    const dir = await tempDir();
    await writeCookie(dir, 'killpod/caps.json', { Name: 'keystone', Kind: 'Deployment', NameSpace: 'openstack', Interval: 30 });
    const { cookies, problems } = await loadCookies(dir, dir);
    expect(problems).toEqual([]);
    expect(cookies[0]).toMatchObject({ workload: 'keystone', kind: 'deployment', namespace: 'openstack', intervalMs: 30_000 });
  });
});

describe('generation 2 config.yaml', () => {
  const expectedCookies = [
    ['openstack-deployment-random', 'deployment', undefined],
    ['openstack-daemonset-random', 'daemonset', undefined],
    ['openstack-statefulset-mariadb', 'statefulset', 'mariadb'],
    ['openstack-statefulset-rabbitmq', 'statefulset', 'rabbitmq'],
  ];

  it.each([['gen2'], ['gen2-mixed-case']])('%s/config.yaml: the shipped file, one cookie per resource', async (dir) => {
    const loaded = await loadCookies(join(fixtures, dir), fixtures);
    expect(loaded.problems).toEqual([]);
    expect(loaded.cookies.map((c) => c.group === 'killpod' && [c.name, c.kind, c.workload])).toEqual(expectedCookies);
    for (const cookie of loaded.cookies) {
      expect(cookie).toMatchObject({
        group: 'killpod',
        source: `${dir}/config.yaml`,
        namespace: 'openstack',
        count: { mode: 'fixed', n: 1 },
        intervalMs: 60_000,
        durationMs: 600_000,
        slack: true,
        safety: defaultSafety,
      });
    }
  });

  it('a config.yaml path given directly', async () => {
    const loaded = await loadCookies(join(fixtures, 'gen2', 'config.yaml'), fixtures);
    expect(loaded.cookies).toHaveLength(4);
  });

  it('a repeated resource gets a distinct name', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'config.yaml'),
      'namespace:\n- name: ns\n  resource:\n  - kind: deployment\n  - kind: deployment\n    target: 2\ninterval: 5\n',
    );
    const { cookies } = await loadCookies(dir, dir);
    expect(cookies.map((c) => c.name)).toEqual(['ns-deployment-random', 'ns-deployment-random-2']);
  });
});

describe('our extensions', () => {
  it('count modes, durations with units, mode, selection and safety', async () => {
    const loaded = await loadCookies(join(fixtures, 'extended'), fixtures);
    expect(loaded.problems).toEqual([]);
    expect(killpod(loaded.cookies, 'api-quorum')).toMatchObject({
      count: { mode: 'max-percent', percent: 30 },
      intervalMs: 90_000,
      durationMs: 600_000,
      mode: 'evict',
      gracePeriodSeconds: 5,
      podSelector: 'tier=web',
      annotations: { 'chaos.example.com/allowed': 'true' },
      podNamePattern: '^api-',
      minPodAgeMs: 120_000,
      events: true,
      safety: { minAvailable: 3, quorum: true, allowKubeSystem: false },
    });
  });

  it('no duration means until stopped', async () => {
    const dir = await tempDir();
    await writeCookie(dir, 'killpod/forever.json', { kind: 'deployment', namespace: 'ns', interval: '30s' });
    const { cookies } = await loadCookies(dir, dir);
    expect(cookies[0]).toMatchObject({ durationMs: 0, intervalMs: 30_000 });
  });
});

describe('job names', () => {
  it.each([
    ['abc.yml', 'abc'],
    ['abc.yaml', 'abc'],
    ['x.json', 'x'],
    ['openstack-random-deployment.json', 'openstack-random-deployment'],
    ['v1.2.json', 'v1.2'],
  ])('%s → %s (the file name without its extension, not the original 5-character cut)', async (file, name) => {
    const dir = await tempDir();
    await writeCookie(dir, `killpod/${file}`, { kind: 'deployment', namespace: 'ns', interval: 30 });
    const { cookies, problems } = await loadCookies(dir, dir);
    expect(problems).toEqual([]);
    expect(cookies.map((c) => c.name)).toEqual([name]);
  });

  it('a lone JSON cookie outside a group folder: nodeexec when it has commands, else killpod', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'kill.json'), JSON.stringify({ kind: 'deployment', namespace: 'ns', interval: 30 }));
    await writeFile(join(dir, 'exec.json'), JSON.stringify({ target: 'all', commands: [{ command: 'uptime' }] }));
    expect((await loadCookieFile(join(dir, 'kill.json'), dir)).cookies[0]).toMatchObject({ group: 'killpod', name: 'kill' });
    expect((await loadCookieFile(join(dir, 'exec.json'), dir)).cookies[0]).toMatchObject({ group: 'nodeexec', name: 'exec' });
  });
});

describe('findCookieRoot: --cookies, then ./cookies.d, then /etc/cookies.d', () => {
  it('--cookies wins, relative to the working directory, even when ./cookies.d exists', async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, 'cookies.d'));
    expect(findCookieRoot('mine', cwd)).toBe(join(cwd, 'mine'));
    expect(findCookieRoot('/abs/dir', cwd)).toBe('/abs/dir');
  });

  it('./cookies.d before the system directory', async () => {
    const cwd = await tempDir();
    const system = await tempDir();
    await mkdir(join(cwd, 'cookies.d'));
    expect(findCookieRoot(undefined, cwd, system)).toBe(join(cwd, 'cookies.d'));
  });

  it('the system directory when ./cookies.d is missing', async () => {
    const cwd = await tempDir();
    const system = await tempDir();
    expect(findCookieRoot(undefined, cwd, system)).toBe(system);
  });

  it('nothing when neither exists', async () => {
    const cwd = await tempDir();
    expect(findCookieRoot(undefined, cwd, join(cwd, 'no-such-dir'))).toBeUndefined();
  });

  it('defaults to /etc/cookies.d', async () => {
    const cwd = await tempDir();
    expect(findCookieRoot(undefined, cwd)).toBe(existsSync('/etc/cookies.d') ? '/etc/cookies.d' : undefined);
  });
});

describe('loadCookies on a missing or empty place', () => {
  it('a missing --cookies path is one problem naming it', async () => {
    const cwd = await tempDir();
    expect((await loadCookies(join(cwd, 'nope'), cwd)).problems).toEqual(['nope: no such file or directory']);
  });

  it('a directory without cookie files is a problem, not zero cookies silently', async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, 'empty', 'killpod'), { recursive: true });
    await writeFile(join(cwd, 'empty', 'killpod', 'README.txt'), 'not a cookie');
    expect((await loadCookies(join(cwd, 'empty'), cwd)).problems).toEqual([
      'empty: no cookie files: expected killpod/*.json, nodeexec/*.json or config.yaml',
    ]);
  });

  it('no root at all: nothing loaded, nothing to complain about here (callers decide)', async () => {
    expect(await loadCookies(undefined, repo)).toEqual({ root: undefined, cookies: [], problems: [] });
  });
});

let dirs: string[] = [];
beforeEach(() => {
  dirs = [];
});
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kcm-config-'));
  dirs.push(dir);
  return dir;
}

async function writeCookie(root: string, path: string, content: unknown): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), JSON.stringify(content));
}
