import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process-cli.js';

const repo = resolve(import.meta.dirname, '../..');
const fixtures = resolve(repo, 'test/fixtures/cookies');

/** Runs the CLI in-process, as `bin.ts` would, with everything it prints captured. */
const cli = (argv: string[], cwd = fixtures) => runInProcess(argv, cwd);

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('cookies validate', () => {
  it.each([
    [['original'], '6 cookies valid'],
    [['gen2/config.yaml'], '4 cookies valid'],
    [['original', 'gen2', 'extended'], '11 cookies valid'],
    [['original/killpod/test-mariadb.json'], '1 cookie valid'],
  ])('%j → exit 0, "%s"', async (paths, message) => {
    const result = await cli(['cookies', 'validate', ...paths]);
    expect(result).toEqual({ code: 0, stdout: `${message}\n`, stderr: '' });
  });

  it("no path: the working directory's cookies.d, as the original looked it up", async () => {
    expect(await cli(['cookies', 'validate'], repo)).toEqual({ code: 0, stdout: '4 cookies valid\n', stderr: '' });
  });

  it('--cookies DIR', async () => {
    expect((await cli(['cookies', 'validate', '--cookies', 'gen2-mixed-case'])).stdout).toBe('4 cookies valid\n');
  });

  it('bad files: exit 2, one line per problem on stderr, no stack trace, nothing on stdout', async () => {
    const result = await cli(['cookies', 'validate', 'bad', 'bad-yaml']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const errors = lines(result.stderr);
    expect(errors).toHaveLength(16 + 5);
    for (const line of errors) expect(line).toMatch(/^cookiemonster: bad(-yaml)?\/[\w/.-]+: .+$/);
    expect(errors).toContain('cookiemonster: bad/killpod/zero-interval.json: interval: expected a positive number of seconds, got 0');
    expect(errors).toContain(
      'cookiemonster: bad/killpod/typo.json: intreval: unknown field (did you mean "interval"? known: name, kind, namespace, target, interval, duration, slack, fatal, mode, gracePeriod, selector, annotations, podNamePattern, minPodAge, events, safety)',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('good and bad together: only the problems are printed, and the exit code is 2', async () => {
    const result = await cli(['cookies', 'validate', 'original', 'bad/killpod/zero-interval.json']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cookiemonster: bad/killpod/zero-interval.json: interval: expected a positive number of seconds, got 0\n',
    });
  });

  it('a path that does not exist', async () => {
    expect(await cli(['cookies', 'validate', 'nope'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cookiemonster: nope: no such file or directory\n',
    });
  });

  it.skipIf(existsSync('/etc/cookies.d'))('no cookie directory anywhere: one line and a hint, exit 2', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'kcm-cli-'));
    try {
      const result = await cli(['cookies', 'validate'], empty);
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toEqual([
        'cookiemonster: no cookie directory: pass a path or --cookies DIR, or create ./cookies.d (or /etc/cookies.d)',
        expect.stringMatching(/^hint: a cookie is cookies\.d\/killpod\/NAME\.json/),
      ]);
      expect((await cli(['cookies', 'list'], empty)).code).toBe(2);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('cookies list', () => {
  it('every cookie, one per line: group/name, then what it does', async () => {
    const result = await cli(['cookies', 'list', '--cookies', 'original']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      'killpod/openstack-random-daemonset\tkill 1 pod of a random daemonset in openstack every 1m for 10m',
      'killpod/openstack-random-deployment\tkill 1 pod of a random deployment in openstack every 30s for 10m',
      'killpod/openstack-random-statefulset\tkill 1 pod of a random statefulset in openstack every 1m for 10m',
      'killpod/test-mariadb\tkill 1 pod of statefulset/mariadb in test every 15s for 10m',
      'killpod/test-rabbitmq\tkill 1 pod of deployment/rabbitmq in test every 10s for 10m',
      'nodeexec/test-exec-all\trun hostname, whoami, ps on all nodes',
    ]);
  });

  it('a config.yaml, and our count modes', async () => {
    expect(lines((await cli(['cookies', 'list', '--cookies', 'gen2'])).stdout)).toEqual([
      'killpod/openstack-deployment-random\tkill 1 pod of a random deployment in openstack every 1m for 10m',
      'killpod/openstack-daemonset-random\tkill 1 pod of a random daemonset in openstack every 1m for 10m',
      'killpod/openstack-statefulset-mariadb\tkill 1 pod of statefulset/mariadb in openstack every 1m for 10m',
      'killpod/openstack-statefulset-rabbitmq\tkill 1 pod of statefulset/rabbitmq in openstack every 1m for 10m',
    ]);
    expect((await cli(['cookies', 'list', '--cookies', 'extended'])).stdout).toBe(
      'killpod/api-quorum\tkill up to 30% of pods of deployment/api in openstack every 1m30s for 10m\n',
    );
  });

  it('refuses to list a directory with a bad cookie, naming every problem', async () => {
    const result = await cli(['cookies', 'list', '--cookies', 'bad']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(16);
  });
});

describe('cookies show', () => {
  it('the file as written, then the cookie as loaded', async () => {
    const result = await cli(['cookies', 'show', 'killpod/test-mariadb', '--cookies', 'original']);
    const file = await readFile(join(fixtures, 'original/killpod/test-mariadb.json'), 'utf8');
    expect(result).toEqual({
      code: 0,
      stdout: `# original/killpod/test-mariadb.json\n${file}# as loaded: kill 1 pod of statefulset/mariadb in test every 15s for 10m\n`,
      stderr: '',
    });
  });

  it('a bare name works when it is unambiguous', async () => {
    const result = await cli(['cookies', 'show', 'test-exec-all', '--cookies', 'original']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# as loaded: run hostname, whoami, ps on all nodes\n');
  });

  it('an unknown name lists the ones there are', async () => {
    const result = await cli(['cookies', 'show', 'killpod/nope', '--cookies', 'gen2']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'cookiemonster: no cookie named "killpod/nope" (found: killpod/openstack-deployment-random, killpod/openstack-daemonset-random, killpod/openstack-statefulset-mariadb, killpod/openstack-statefulset-rabbitmq)\n',
    });
  });

  it('no name: a usage error', async () => {
    const result = await cli(['cookies', 'show', '--cookies', 'original']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cookiemonster: cookies show: name a cookie/);
  });
});

describe('cookies usage errors', () => {
  it('an unknown action is one usage error, exit 2', async () => {
    const result = await cli(['cookies', 'eat']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('cookiemonster: cookies: expected an action "list", "show" or "validate", got "eat"\n');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
