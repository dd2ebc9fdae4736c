import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesSelector, parseSelectorString, selectorToString } from '../../src/kube/selector.js';
import type { LabelSelector } from '../../src/kube/types.js';
import { parseLabelSelectorQuery, selectorMatches } from '../../src/sim/selector.js';

const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

describe("the simulator's own label selectors (Kubernetes semantics)", () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (api, web)', true],
    ['app in (api)', false],
    ['missing in (x)', false],
    ['app notin (api)', true],
    ['missing notin (x)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app=web,tier in (front,back),!missing', true],
    ['example.com/team=a', true],
    ['', true],
  ])('%j matches %j', (query, expected) => {
    expect(parseLabelSelectorQuery(query)(labels)).toBe(expected);
  });

  it.each(['app=(web)', 'in (a)', 'app notin web', '=web'])('%j is a 400 like the API server answers', (query) => {
    expect(() => parseLabelSelectorQuery(query)).toThrow(/unable to parse requirement/);
  });

  it('structured selectors: matchLabels and every matchExpressions operator', () => {
    expect(selectorMatches(labels, { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] })).toBe(true);
    expect(selectorMatches(labels, { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] })).toBe(false);
    expect(selectorMatches(labels, { matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }, { key: 'app', operator: 'Exists' }] })).toBe(true);
    expect(selectorMatches(labels, {})).toBe(true);
  });
});

describe("differential: the product's selectors against the simulator's", () => {
  const key = fc.constantFrom('app', 'tier', 'example.com/team', 'zone');
  const value = fc.constantFrom('web', 'api', 'front', 'a', 'b');
  const requirement = fc.oneof(
    fc.record({ key, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
    fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
  );
  const selector = fc.record({ matchLabels: fc.dictionary(key, value, { maxKeys: 2 }), matchExpressions: fc.array(requirement, { maxLength: 3 }) }) as fc.Arbitrary<LabelSelector>;
  const podLabels = fc.dictionary(key, value, { maxKeys: 4 });

  it('what the product sends as labelSelector selects exactly the pods the structured selector selects', () => {
    fc.assert(
      fc.property(selector, podLabels, (sel, pod) => {
        const sent = selectorToString(sel);
        expect(parseLabelSelectorQuery(sent)(pod)).toBe(selectorMatches(pod, sel));
        expect(matchesSelector(pod, sel)).toBe(selectorMatches(pod, sel));
        expect(matchesSelector(pod, parseSelectorString(sent))).toBe(selectorMatches(pod, sel));
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});
