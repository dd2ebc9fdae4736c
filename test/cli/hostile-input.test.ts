import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process-cli.js';


async function cookieFile(name: string, text: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kcm-hostile-'));
  await mkdir(join(root, 'killpod'));
  await writeFile(join(root, 'killpod', name), text);
  return root;
}

/** Control characters a terminal acts on: C0 (ESC, BEL, CR …), DEL and C1 (CSI U+009B …). */
const controlCharacter = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('error lines that quote input escape control characters', () => {
  it.each([
    ['a JSON parse error quoting the file', 'bad.json', '{"kind": \u001b[2J\u001b]0;pwned\u0007}', /invalid JSON: Unexpected token '\\u001b', "\{"kind": \\u001b\[2J\\u001b\]0;pw/],
    ['a YAML parse error', 'bad.yaml', 'kind: [\u001b[31mdeployment\n', /: invalid YAML: /],
    ['a field value with a C1 CSI', 'c1.json', JSON.stringify({ kind: 'deployment', namespace: 'x\u009b2J', interval: 1 }), /namespace: expected a lowercase DNS label like "openstack", got "x\\u009b2J"/],
    ['an unknown field named with escapes', 'key.json', JSON.stringify({ kind: 'deployment', namespace: 'x', interval: 1, 'x\u001b[8m': 1 }), /x\\u001b\[8m: unknown field/],
  ])('%s', async (_what, name, text, expected) => {
    const root = await cookieFile(name, text);
    const result = await runInProcess(['cookies', 'validate', root], root);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(controlCharacter);
    const [line] = result.stderr.split('\n');
    expect(line).toMatch(expected);
  });

  it('a flag value is escaped too', async () => {
    const result = await runInProcess(['run', '--chaos-duration', '1\u009b2J', '--', 'true'], tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(controlCharacter);
    expect(result.stderr).toContain('--chaos-duration: expected a positive duration like "10m", got "1\\u009b2J"');
  });
});

describe('negative numbers and durations in flags are named, not taken for short options', () => {
  it.each([
    [['run', '--chaos-duration', '-1s'], '--chaos-duration: expected a positive duration like "10m", got "-1s"'],
    [['run', '--max-recovery', '-30'], '--max-recovery: expected a positive duration like "60s", got "-30"'],
    [['run', '--verify-timeout', '-0.5m'], '--verify-timeout: expected a positive duration like "30m", got "-0.5m"'],
    [['run', '--seed', '-7'], '--seed: expected a whole number ≥ 0, got -7'],
    [['run', '--concurrency', '-2'], '--concurrency: expected a whole number ≥ 1, got -2'],
    [['serve', '--port', '-1'], '--port: expected a port 0-65535, got -1'],
    [['serve', '--exec-timeout', '-2m'], '--exec-timeout: expected a positive duration like "2m", got "-2m"'],
  ])('%j → exit 2: %s', async (argv, message) => {
    const result = await runInProcess([...argv, '--', 'true'], tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`cookiemonster: ${message}`);
  });

  it('leaves the verification command after -- alone', async () => {
    const result = await runInProcess(['run', '--chaos-duration', '-1s', '--', 'sh', '-c', 'exit 0', '--count', '-1'], tmpdir());
    expect(result.stderr.split('\n')[0]).toBe('cookiemonster: --chaos-duration: expected a positive duration like "10m", got "-1s"');
  });
});
