import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configError, formatPath } from '../../src/config/issues.js';
import { loadCookieFile, loadCookies } from '../../src/config/load.js';
import { isCookieError } from '../../src/errors.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/cookies');
const countWhat = 'expected a positive whole number of pods, "N%", "max N%" or "all"';
const kinds = 'expected one of "deployment", "statefulset", "daemonset"';

describe('bad cookie files: every problem, one line each, naming file, field, expectation and finding', () => {
  it.each<[string, (string | RegExp)[]]>([
    ['bad/killpod/zero-interval.json', ['bad/killpod/zero-interval.json: interval: expected a positive number of seconds, got 0']],
    [
      'bad/killpod/typo.json',
      [
        'bad/killpod/typo.json: interval: expected a positive number of seconds, got nothing',
        `bad/killpod/typo.json: intreval: unknown field (did you mean "interval"? known: name, kind, namespace, target, interval, duration, slack, fatal, mode, gracePeriod, selector, annotations, podNamePattern, minPodAge, events, safety)`,
      ],
    ],
    [
      'bad/killpod/everything-wrong.json',
      [
        `bad/killpod/everything-wrong.json: kind: ${kinds}, got "pod"`,
        'bad/killpod/everything-wrong.json: namespace: expected a lowercase DNS label like "openstack", got "Open_Stack"',
        `bad/killpod/everything-wrong.json: target: ${countWhat}, got 0`,
        'bad/killpod/everything-wrong.json: interval: expected a positive number of seconds, got "abc"',
        'bad/killpod/everything-wrong.json: slack: expected true or false, got "yes"',
      ],
    ],
    [
      'bad/killpod/bad-count-and-duration.json',
      [
        `bad/killpod/bad-count-and-duration.json: target: ${countWhat}, got "x"`,
        'bad/killpod/bad-count-and-duration.json: duration: expected a number of seconds ≥ 0 (0 = until stopped), got "10 minutes"',
      ],
    ],
    [
      'bad/killpod/negative-target.json',
      [
        `bad/killpod/negative-target.json: target: ${countWhat}, got -1`,
        'bad/killpod/negative-target.json: podNamePattern: expected a valid regular expression, got "api-("',
      ],
    ],
    [
      'bad/killpod/a-list.json',
      [
        'bad/killpod/a-list.json: expected a JSON object like {"kind": "deployment", "namespace": "openstack", "interval": 30}, got a list of 1',
      ],
    ],
    ['bad/killpod/broken.json', [/^bad\/killpod\/broken\.json: invalid JSON: \S.*$/]],
    [
      'bad/nodeexec/no-command.json',
      [
        'bad/nodeexec/no-command.json: commands[0].command: expected a command name, got nothing',
        'bad/nodeexec/no-command.json: slack: expected true or false, got 1',
      ],
    ],
    [
      'bad-yaml/config.yaml',
      [
        `bad-yaml/config.yaml: namespace[0].resource[0].kind: ${kinds}, got "pod"`,
        `bad-yaml/config.yaml: namespace[0].resource[0].target: ${countWhat}, got 0`,
        'bad-yaml/config.yaml: interval: expected a positive number of seconds, got nothing',
        'bad-yaml/config.yaml: slack: expected true or false, got "yes please"',
        'bad-yaml/config.yaml: intreval: unknown field (did you mean "interval"? known: namespace, interval, duration, slack)',
      ],
    ],
    ['broken-yaml/config.yaml', [/^broken-yaml\/config\.yaml: invalid YAML: \S[^\n]*$/]],
  ])('%s', async (file, lines) => {
    const { cookies, problems } = await loadCookieFile(join(fixtures, file), fixtures);
    expect(cookies).toEqual([]);
    expect(problems).toHaveLength(lines.length);
    lines.forEach((line, i) => {
      if (typeof line === 'string') expect(problems[i]).toBe(line);
      else expect(problems[i]).toMatch(line);
    });
  });

  it('a whole directory reports the problems of every file, and loads none of the bad ones', async () => {
    const { cookies, problems } = await loadCookies(join(fixtures, 'bad'), fixtures);
    expect(cookies).toEqual([]);
    expect(problems).toHaveLength(16);
    for (const line of problems) expect(line).not.toContain('\n');
    const files = new Set(problems.map((line) => line.split(':')[0]));
    expect(files.size).toBe(8);
  });

  describe('more bad values', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kcm-bad-'));
      await mkdir(join(dir, 'killpod'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const base = { kind: 'deployment', namespace: 'openstack', interval: 30 };
    it.each<[string, Record<string, unknown>, string]>([
      ['no kind', { namespace: 'ns', interval: 30 }, `kind: ${kinds}, got nothing`],
      ['no namespace', { kind: 'deployment', interval: 30 }, 'namespace: expected a namespace name, got nothing'],
      ['namespace too long', { ...base, namespace: 'a'.repeat(64) }, `namespace: expected at most 63 characters, got "${'a'.repeat(64)}"`],
      ['name not a string', { ...base, name: 7 }, 'name: expected a workload name, or "" for a random one, got 7'],
      ['interval negative', { ...base, interval: -5 }, 'interval: expected a positive number of seconds, got -5'],
      ['interval "abc"', { ...base, interval: 'abc' }, 'interval: expected a positive number of seconds, got "abc"'],
      ['target "max 0%"', { ...base, target: 'max 0%' }, `target: ${countWhat}, got "max 0%"`],
      ['mode', { ...base, mode: 'explode' }, 'mode: expected "delete" or "evict", got "explode"'],
      ['annotations list', { ...base, annotations: ['a'] }, 'annotations: expected an object of annotation: value, got a list of 1'],
      ['annotation value', { ...base, annotations: { a: 1 } }, 'annotations.a: expected an annotation value (a string), got 1'],
      ['safety.minAvailable 0', { ...base, safety: { minAvailable: 0 } }, 'safety.minAvailable: expected a whole number of pods ≥ 1, got 0'],
      ['safety unknown key', { ...base, safety: { quorom: true } }, 'safety.quorom: unknown field (did you mean "quorum"? known: minAvailable, quorum, allowKubeSystem)'],
      ['minPodAge', { ...base, minPodAge: '5 minutes' }, 'minPodAge: expected a duration like "5m", got "5 minutes"'],
    ])('%s', async (_label, content, line) => {
      const file = join(dir, 'killpod', 'x.json');
      await writeFile(file, JSON.stringify(content));
      const { problems } = await loadCookieFile(file, dir);
      expect(problems).toEqual([`killpod/x.json: ${line}`]);
    });
  });
});

describe('configError: many problems, one error', () => {
  it('keeps every line in details and summarises the first in the message', () => {
    const error = configError(['a.json: interval: expected …, got 0', 'b.json: kind: expected …, got "pod"']);
    expect(isCookieError(error)).toBe(true);
    expect(error.code).toBe('config-invalid');
    expect(error.message).toBe('a.json: interval: expected …, got 0 (and 1 more)');
    expect(error.details['problems']).toHaveLength(2);
  });

  it('formats paths like the config reads', () => {
    expect(formatPath(['namespace', 0, 'resource', 1, 'kind'])).toBe('namespace[0].resource[1].kind');
    expect(formatPath([])).toBe('');
  });
});
