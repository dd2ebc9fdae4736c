import { describe, expect, it } from 'vitest';
import {
  escapeGithubData,
  escapeGithubProperty,
  githubCommand,
  githubOutputHeredoc,
  gitlabSectionEnd,
  gitlabSectionName,
  gitlabSectionStart,
  isGithubOutputName,
} from '../../src/ci/escape.js';

/** GitHub's runner decodes command data and properties like this (actions/runner ActionCommand.Unescape). */
const unescapeGithub = (text: string): string =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

describe('GitHub workflow-command escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['100%', '100%25'],
    ['a\nb', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab'],
    ['%0A literal', '%250A literal'],
    ['keeps : and ,', 'keeps : and ,'],
  ])('data %j → %j', (input, expected) => {
    expect(escapeGithubData(input)).toBe(expected);
  });

  it.each([
    ['cookie a:b', 'cookie a%3Ab'],
    ['x,y', 'x%2Cy'],
    ['50%: a,\nb', '50%25%3A a%2C%0Ab'],
  ])('property %j → %j', (input, expected) => {
    expect(escapeGithubProperty(input)).toBe(expected);
  });

  it('round-trips through the runner decoding for awkward strings', () => {
    for (const text of ['%25', '%%0A%3A', 'a:b,c\r\nd%', '::error::x', '']) {
      expect(unescapeGithub(escapeGithubProperty(text))).toBe(text);
      expect(unescapeGithub(escapeGithubData(text))).toBe(text);
    }
  });

  it('builds commands, leaving out empty properties and keeping the line single', () => {
    expect(githubCommand('error', { title: 'chaos test: failed, exit 4' }, 'pod a\nnot recovered')).toBe(
      '::error title=chaos test%3A failed%2C exit 4::pod a%0Anot recovered',
    );
    expect(githubCommand('warning', { title: undefined, file: '' }, 'w')).toBe('::warning::w');
    expect(githubCommand('group', {}, 'Deploy check')).toBe('::group::Deploy check');
    expect(githubCommand('error', { title: 'a', file: 'f.ts' }, 'm')).toBe('::error title=a,file=f.ts::m');
  });
});

describe('GitLab sections', () => {
  it.each([
    ['deploy-check', 'deploy-check'],
    ['Deploy Check', 'deploy_check'],
    ['chaos/killpod:1', 'chaos_killpod_1'],
    ['v1.2_x-y', 'v1.2_x-y'],
    ['', 'section'],
    ['ümlaut', '_mlaut'],
  ])('section name %j → %j', (input, expected) => {
    expect(gitlabSectionName(input)).toBe(expected);
  });

  it('writes the start and end markers GitLab parses', () => {
    expect(gitlabSectionStart(1700000000, 'Deploy check', 'Deploy\ncheck', true)).toBe(
      '\u001b[0Ksection_start:1700000000:deploy_check[collapsed=true]\r\u001b[0KDeploy check',
    );
    expect(gitlabSectionStart(1700000000, 'chaos', 'Chaos', false)).toBe('\u001b[0Ksection_start:1700000000:chaos\r\u001b[0KChaos');
    expect(gitlabSectionEnd(1700000042, 'chaos')).toBe('\u001b[0Ksection_end:1700000042:chaos\r\u001b[0K');
  });
});

describe('GitHub output heredoc', () => {
  it.each([
    ['junit', true],
    ['kill-log', true],
    ['exit_code', true],
    ['_x', true],
    ['1st', false],
    ['a<<b', false],
    ['a b', false],
    ['a\nb', false],
    ['', false],
  ])('name %j valid: %s', (name, valid) => {
    expect(isGithubOutputName(name)).toBe(valid);
  });

  it('wraps a multi-line value between the delimiters', () => {
    expect(githubOutputHeredoc('verdict', 'line 1\nline 2', 'D')).toBe('verdict<<D\nline 1\nline 2\nD\n');
  });
});
