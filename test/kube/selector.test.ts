import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCookieError } from '../../src/errors.js';
import { matchesSelector, parseSelectorString, selectorToString } from '../../src/kube/selector.js';
import type { LabelSelector, LabelSelectorRequirement } from '../../src/kube/types.js';

describe('selectorToString', () => {
  it.each<[string, LabelSelector, string]>([
    ['empty selector selects everything', {}, ''],
    ['matchLabels', { matchLabels: { app: 'web', tier: 'front' } }, 'app=web,tier=front'],
    ['In', { matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] }, 'env in (a,b)'],
    ['NotIn', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, 'env notin (prod)'],
    ['Exists', { matchExpressions: [{ key: 'release', operator: 'Exists' }] }, 'release'],
    ['DoesNotExist', { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, '!canary'],
    [
      'labels AND expressions',
      { matchLabels: { 'app.kubernetes.io/name': 'mariadb' }, matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['backup'] }] },
      'app.kubernetes.io/name=mariadb,role notin (backup)',
    ],
  ])('%s', (_name, sel, expected) => {
    expect(selectorToString(sel)).toBe(expected);
  });

  it('refuses In without values, naming the key', () => {
    expect(() => selectorToString({ matchExpressions: [{ key: 'env', operator: 'In', values: [] }] })).toThrow(/operator In on key "env" needs at least one value/);
  });
});

describe('parseSelectorString', () => {
  it.each<[string, LabelSelector]>([
    ['', {}],
    ['  ', {}],
    ['app=web', { matchLabels: { app: 'web' } }],
    ['app==web', { matchLabels: { app: 'web' } }],
    ['app = web , tier=db', { matchLabels: { app: 'web', tier: 'db' } }],
    ['app!=web', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }],
    ['env in (a, b)', { matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] }],
    ['env notin (a)', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['a'] }] }],
    ['release', { matchExpressions: [{ key: 'release', operator: 'Exists' }] }],
    ['!canary', { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }],
    ['example.com/role=', { matchLabels: { 'example.com/role': '' } }],
    // Two values for one key can never both match; keep that meaning instead of silently dropping one.
    ['a=1,a=2', { matchLabels: { a: '1' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['2'] }] }],
  ])('%j', (text, expected) => {
    expect(parseSelectorString(text)).toEqual(expected);
  });

  it.each([
    ['app in (a,b', 'expected "," at position 11'],
    ['app in ()', 'at least one value'],
    ['=web', 'expected a label key at position 0'],
    ['app=web,', 'expected a label key at position 8, got the end'],
    ['app=we b', 'expected "," at position 7'],
    ['app=-bad', 'expected a label value'],
  ])('%j is rejected with the position', (text, message) => {
    let caught: unknown;
    try {
      parseSelectorString(text);
    } catch (error) {
      caught = error;
    }
    expect(isCookieError(caught) && caught.code).toBe('config-invalid');
    expect((caught as Error).message).toContain(JSON.stringify(text));
    expect((caught as Error).message).toContain(message);
  });
});

describe('matchesSelector', () => {
  const labels = { app: 'web', env: 'prod', release: 'r1' };
  it.each<[string, LabelSelector, boolean]>([
    ['empty', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'db' } }, false],
    ['matchLabels missing key', { matchLabels: { tier: 'x' } }, false],
    ['In hit', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, true],
    ['In missing key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    ['NotIn missing key matches', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'release', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'release', operator: 'DoesNotExist' }] }, false],
    ['labels AND expressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, false],
  ])('%s', (_name, sel, expected) => {
    expect(matchesSelector(labels, sel)).toBe(expected);
  });

  it('does not treat inherited object keys as labels', () => {
    expect(matchesSelector({}, { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] })).toBe(false);
  });
});

describe('round trips (fast-check)', () => {
  const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,10}[a-z0-9])?$/);
  const key = fc.oneof(name, fc.tuple(fc.stringMatching(/^[a-z]{1,6}\.(io|com)$/), name).map(([p, n]) => `${p}/${n}`));
  const value = fc.oneof(fc.constant(''), name);
  const requirement: fc.Arbitrary<LabelSelectorRequirement> = fc.oneof(
    fc.record({ key, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.array(name, { minLength: 1, maxLength: 3 }) }),
    fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
  );
  const selector: fc.Arbitrary<LabelSelector> = fc
    .record({ matchLabels: fc.dictionary(key, value, { maxKeys: 3 }), matchExpressions: fc.array(requirement, { maxLength: 3 }) })
    .map(({ matchLabels, matchExpressions }) => {
      const sel: LabelSelector = {};
      if (Object.keys(matchLabels).length > 0) sel.matchLabels = matchLabels;
      if (matchExpressions.length > 0) sel.matchExpressions = matchExpressions;
      return sel;
    });

  it('parse(toString(sel)) gives back sel', () => {
    fc.assert(
      fc.property(selector, (sel) => {
        expect(parseSelectorString(selectorToString(sel))).toEqual(sel);
      }),
      { numRuns: 500 },
    );
  });

  it('the string form selects exactly the same label sets', () => {
    const labelSet = fc.dictionary(fc.oneof(key, fc.constantFrom('app', 'env')), value, { maxKeys: 4 });
    fc.assert(
      fc.property(selector, labelSet, (sel, labels) => {
        expect(matchesSelector(labels, parseSelectorString(selectorToString(sel)))).toBe(matchesSelector(labels, sel));
      }),
      { numRuns: 500 },
    );
  });
});
