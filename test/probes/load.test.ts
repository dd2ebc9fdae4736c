import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCookieError } from '../../src/errors.js';
import { httpFlagProbes, loadProbeFile } from '../../src/probes/load.js';

const dir = mkdtempSync(join(tmpdir(), 'kcm-probes-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};
const problems = async (name: string): Promise<string[]> => {
  try {
    await loadProbeFile(name, dir);
  } catch (error) {
    if (isCookieError(error)) return (error.details['problems'] as string[]) ?? [error.message];
    throw error;
  }
  throw new Error('loaded without a problem');
};

describe('probe files', () => {
  it('loads every kind with its defaults', async () => {
    const specs = await loadProbeFile(
      file(
        'ok.yaml',
        `- name: shop
  http: { url: "http://shop.example/healthz", expect: 200 }
  every: 2s
  tolerance: { consecutive: 3 }
  abort: true
- name: smoke
  cmd: { argv: [sh, -c, "exit 0"], timeout: 10s }
  phases: [before, after]
- name: keystone
  k8s: { workload: deployment/openstack/keystone, minAvailable: 2 }
- name: errors
  promql: { url: "http://127.0.0.1:9090", query: "sum(rate(errors[1m]))", expect: "< 0.01" }
  startWhen: { within: 5m }
`,
      ),
      dir,
    );
    expect(specs.map((s) => [s.name, s.check.kind, s.everyMs, s.phases, s.tolerance, s.abort, s.startWithinMs])).toEqual([
      ['shop', 'http', 2000, ['before', 'during', 'after'], { consecutive: 3 }, true, undefined],
      ['smoke', 'cmd', 1000, ['before', 'after'], { maxFailures: 0 }, false, undefined],
      ['keystone', 'k8s', 1000, ['before', 'during', 'after'], { maxFailures: 0 }, false, undefined],
      ['errors', 'promql', 1000, ['before', 'during', 'after'], { maxFailures: 0 }, false, 300_000],
    ]);
    expect(specs[0]?.check).toEqual({ kind: 'http', http: { url: 'http://shop.example/healthz', method: 'GET', expect: 200, insecure: false } });
  });

  it.each([
    ['no kind', '- name: a\n  every: 1s\n', 'bad.yaml: probe "a": expected exactly one of http, cmd, k8s, promql'],
    ['two kinds', '- name: a\n  http: { url: "http://x" }\n  cmd: { argv: ["true"] }\n', 'bad.yaml: probe "a": expected exactly one of http, cmd, k8s, promql'],
    ['bad url', '- name: shop\n  http: { url: "ftp://x" }\n', 'bad.yaml: probe "shop": http.url: expected an http:// or https:// URL, got "ftp://x"'],
    ['bad every', '- name: shop\n  http: { url: "http://x" }\n  every: 0\n', 'bad.yaml: probe "shop": every: expected a positive duration like "1s", got 0'],
    ['bad phase', '- name: shop\n  http: { url: "http://x" }\n  phases: [never]\n', 'bad.yaml: probe "shop": phases[0]: expected before, during or after, got "never"'],
    ['bad comparison', '- name: p\n  promql: { url: "http://x", query: up, expect: "about 3" }\n', 'bad.yaml: probe "p": promql.expect: expected a comparison like "< 0.01" or ">= 3", got "about 3"'],
    ['unknown field', '- name: shop\n  http: { url: "http://x" }\n  abrot: true\n', 'bad.yaml: probe "shop": abrot: unknown field'],
    ['unnamed', '- http: { url: "http://x" }\n', 'bad.yaml: probe #1: name: expected a probe name, got nothing'],
    ['not a list', 'name: shop\n', 'bad.yaml: expected a list of probes, got an object'],
  ])('%s: one line naming the file, the probe and the field', async (_, text, expected) => {
    expect((await problems(file('bad.yaml', text)))[0]).toContain(expected);
  });

  it('an argv element that is not a string is named', async () => {
    expect((await problems(file('argv.yaml', '- name: a\n  cmd: { argv: [true] }\n')))[0]).toBe('argv.yaml: probe "a": cmd.argv[0]: expected a string, got true');
  });

  it('control characters in a hostile probe name are escaped', async () => {
    const [line] = await problems(file('hostile.yaml', '- name: "\\e[31mred"\n  every: 1s\n'));
    expect(line).not.toContain('\u001b');
    expect(line).toContain('\\u001b');
  });

  it('a name used twice is refused', async () => {
    expect(await problems(file('dup.yaml', '- name: a\n  http: { url: "http://x" }\n- name: a\n  http: { url: "http://y" }\n'))).toEqual(['dup.yaml: probe "a": name: used twice; every probe needs its own name']);
  });

  it('a missing file names itself', async () => {
    expect(await problems('nope.yaml')).toEqual(['nope.yaml: cannot read the probe file (ENOENT)']);
  });

  it('--probe-http makes an http probe in every phase, named after the host', () => {
    expect(httpFlagProbes(['http://shop.example:8080/healthz']).map((s) => [s.name, s.phases, s.tolerance, s.abort])).toEqual([['shop.example-8080', ['before', 'during', 'after'], { maxFailures: 0 }, false]]);
    expect(() => httpFlagProbes(['not a url'])).toThrow('--probe-http: expected an http:// or https:// URL, got "not a url"');
  });
});
