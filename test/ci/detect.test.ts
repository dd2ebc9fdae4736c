import { describe, expect, it } from 'vitest';
import { detectCi, shouldUseColor } from '../../src/ci/detect.js';

describe('detectCi', () => {
  it.each([
    [{ GITHUB_ACTIONS: 'true', CI: 'true' }, 'github'],
    [{ GITHUB_ACTIONS: 'false' }, 'plain'],
    [{ GITLAB_CI: 'true', CI: 'true' }, 'gitlab'],
    [{ JENKINS_URL: 'https://jenkins.example/' }, 'jenkins'],
    [{ BUILD_NUMBER: '17' }, 'jenkins'],
    [{ BUILD_NUMBER: '' }, 'plain'],
    [{ CI: 'true' }, 'plain'],
    [{}, 'plain'],
    [{ GITHUB_ACTIONS: 'true', GITLAB_CI: 'true' }, 'github'],
  ] as const)('%j → %s', (env, kind) => {
    expect(detectCi(env)).toBe(kind);
  });

  it('lets an explicit --ci win over the environment', () => {
    expect(detectCi({ GITHUB_ACTIONS: 'true' }, 'plain')).toBe('plain');
    expect(detectCi({}, 'gitlab')).toBe('gitlab');
    expect(detectCi({ GITLAB_CI: 'true' }, 'auto')).toBe('gitlab');
  });
});

describe('shouldUseColor', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
  ] as const)('%j on a TTY=%s → %s', (env, tty, expected) => {
    expect(shouldUseColor(env, tty)).toBe(expected);
  });
});
