import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCiOutput, type CiKind } from '../../src/ci/output.js';
import type { Clock } from '../../src/core/clock.js';
import { parseGithubOutputFile } from './github-file-parser.js';

function fakeClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: async () => {}, advance: (ms) => (now += ms) };
}

function capture(kind: CiKind, env: Record<string, string> = {}, color = false, token?: () => string) {
  const lines: string[] = [];
  const clock = fakeClock(1_700_000_000_000);
  const out = createCiOutput({ kind, env, clock, color, token, write: (text) => lines.push(text) });
  return { out, clock, lines, text: () => lines.join('') };
}

describe('phases', () => {
  it('GitHub: groups, with a nested phase closing and reopening the outer group', () => {
    const { out, text } = capture('github');
    out.startPhase('deploy-check', 'Deploy check');
    out.endPhase('deploy-check');
    out.startPhase('chaos', 'Chaos');
    out.startPhase('verification', 'Verification: npm test');
    out.endPhase('verification');
    out.endPhase('chaos');
    out.endPhase('chaos');
    expect(text()).toBe(
      [
        '::group::Deploy check',
        '::endgroup::',
        '::group::Chaos',
        '::endgroup::',
        '::group::Verification: npm test',
        '::endgroup::',
        '::group::Chaos (continued)',
        '::endgroup::',
        '',
      ].join('\n'),
    );
  });

  it('GitHub: ending an outer phase closes the open inner group once', () => {
    const { out, text } = capture('github');
    out.startPhase('chaos', 'Chaos');
    out.startPhase('verification', 'Verification');
    out.endPhase('chaos');
    out.endPhase('verification');
    expect(text()).toBe('::group::Chaos\n::endgroup::\n::group::Verification\n::endgroup::\n');
  });

  it('GitHub: escapes a title with a newline so it stays one command', () => {
    const { out, lines } = capture('github');
    out.startPhase('x', 'a\nb 100%');
    expect(lines).toEqual(['::group::a%0Ab 100%25\n']);
  });

  it('GitLab: nested sections with clock timestamps and sanitised names, ended innermost first', () => {
    const { out, clock, lines } = capture('gitlab');
    out.startPhase('chaos', 'Chaos');
    clock.advance(2_000);
    out.startPhase('Verification Step', 'Verification');
    clock.advance(3_500);
    out.endPhase('chaos');
    expect(lines).toEqual([
      '\u001b[0Ksection_start:1700000000:chaos\r\u001b[0KChaos\n',
      '\u001b[0Ksection_start:1700000002:verification_step\r\u001b[0KVerification\n',
      '\u001b[0Ksection_end:1700000005:verification_step\r\u001b[0K\n',
      '\u001b[0Ksection_end:1700000005:chaos\r\u001b[0K\n',
    ]);
  });

  it('GitLab: folds a section when asked', () => {
    const { out, lines } = capture('gitlab');
    out.startPhase('deploy-check', 'Deploy check', { collapsed: true });
    expect(lines[0]).toBe('\u001b[0Ksection_start:1700000000:deploy-check[collapsed=true]\r\u001b[0KDeploy check\n');
  });

  it('GitLab: colours the header only when colour is on', () => {
    const { out, lines } = capture('gitlab', {}, true);
    out.startPhase('chaos', 'Chaos');
    expect(lines[0]).toBe('\u001b[0Ksection_start:1700000000:chaos\r\u001b[0K\u001b[1;36mChaos\u001b[0m\n');
  });

  it.each(['plain', 'jenkins'] as const)('%s: header lines with the duration from the clock, no escape codes', (kind) => {
    const { out, clock, text } = capture(kind);
    out.startPhase('deploy-check', 'Deploy check');
    clock.advance(1_500);
    out.endPhase('deploy-check');
    out.endPhase('never-started');
    expect(text()).toBe('--- Deploy check\n--- Deploy check: done in 1.5s\n');
  });
});

describe('annotations', () => {
  it('GitHub: ::error and ::warning with escaped title and message', () => {
    const { out, lines } = capture('github');
    out.error('2 workloads\nnot recovered', { title: 'chaos test: chaos-failed, exit 4' });
    out.warning('slow: 75s > 60s');
    expect(lines).toEqual(['::error title=chaos test%3A chaos-failed%2C exit 4::2 workloads%0Anot recovered\n', '::warning::slow: 75s > 60s\n']);
  });

  it.each(['plain', 'jenkins', 'gitlab'] as const)('%s: labelled lines, red/yellow only with colour', (kind) => {
    const plain = capture(kind);
    plain.out.error('boom', { title: 'cookie a' });
    plain.out.warning('hmm');
    expect(plain.text()).toBe('ERROR: cookie a: boom\nWARNING: hmm\n');
    const colored = capture(kind, {}, true);
    colored.out.error('boom');
    expect(colored.text()).toBe('\u001b[1;31mERROR:\u001b[0m boom\n');
  });
});

describe('GitHub files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcm-ci-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends outputs that the runner reads back exactly, including multi-line values', async () => {
    const path = join(dir, 'output');
    await writeFile(path, 'earlier=1\n');
    const { out } = capture('github', { GITHUB_OUTPUT: path });
    const outputs = { junit: '/w/reports/j.xml', 'kill-log': '/w/k.jsonl', kills: '3', verdict: 'passed', 'exit-code': '0', note: 'a\nb\n\nEOF' };
    await out.setOutputs(outputs);
    expect(parseGithubOutputFile(await readFile(path, 'utf8'))).toEqual({ earlier: '1', ...outputs });
  });

  it('never uses a delimiter that occurs in the value', async () => {
    const path = join(dir, 'output');
    const tokens = ['aaaa', 'aaaa', 'bbbb'];
    const { out } = capture('github', { GITHUB_OUTPUT: path }, false, () => tokens.shift() ?? 'zzzz');
    await out.setOutputs({ evil: 'x\nkcm_aaaa\ninjected=1' });
    const text = await readFile(path, 'utf8');
    expect(text).toBe('evil<<kcm_bbbb\nx\nkcm_aaaa\ninjected=1\nkcm_bbbb\n');
    expect(parseGithubOutputFile(text)).toEqual({ evil: 'x\nkcm_aaaa\ninjected=1' });
  });

  it('rejects an output name the runner would misread', async () => {
    const { out } = capture('github', { GITHUB_OUTPUT: join(dir, 'output') });
    await expect(out.setOutputs({ 'a<<b': 'x' })).rejects.toThrow(/GitHub output name "a<<b" is invalid/);
  });

  it('appends the step summary', async () => {
    const path = join(dir, 'summary.md');
    await writeFile(path, '# before\n');
    const { out } = capture('github', { GITHUB_STEP_SUMMARY: path });
    await out.summary('## run\n\n| a |');
    expect(await readFile(path, 'utf8')).toBe('# before\n## run\n\n| a |\n');
  });

  it('turns an unwritable file into a warning instead of failing the run', async () => {
    const { out, lines } = capture('github', { GITHUB_STEP_SUMMARY: join(dir, 'missing', 'summary.md'), GITHUB_OUTPUT: join(dir, 'missing', 'out') });
    await out.summary('x');
    await out.setOutputs({ verdict: 'passed' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::warning title=cookiemonster::could not write the step summary \(\$GITHUB_STEP_SUMMARY\): ENOENT.*\n$/);
    expect(lines[1]).toMatch(/^::warning title=cookiemonster::could not write the step outputs/);
  });

  it.each(['gitlab', 'jenkins', 'plain'] as const)('%s: summary and outputs are no-ops even when the GitHub variables are set', async (kind) => {
    const env = { GITHUB_STEP_SUMMARY: join(dir, 's'), GITHUB_OUTPUT: join(dir, 'o') };
    const { out, lines } = capture(kind, env);
    await out.summary('x');
    await out.setOutputs({ verdict: 'passed' });
    await expect(readFile(env.GITHUB_OUTPUT)).rejects.toThrow(/ENOENT/);
    await expect(readFile(env.GITHUB_STEP_SUMMARY)).rejects.toThrow(/ENOENT/);
    expect(lines).toEqual([]);
  });

  it('github without the variables set: no-op', async () => {
    const { out, lines } = capture('github', {});
    await out.summary('x');
    await out.setOutputs({ verdict: 'passed' });
    expect(lines).toEqual([]);
  });
});
