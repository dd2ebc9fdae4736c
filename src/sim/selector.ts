import type { LabelSelector } from '../kube/types.js';
import { HttpError } from './status.js';

/**
 * The simulated API server's own label-selector semantics, written apart from the product's `kube/selector.ts` so that
 * a bug in the product's parser or matcher shows up as a mismatch in the loopback tests instead of agreeing with itself.
 */
export type LabelTest = (labels: Readonly<Record<string, string>>) => boolean;

const requirementForms: [RegExp, (m: RegExpExecArray) => LabelTest][] = [
  [/^!\s*([^\s!=(),]+)$/, (m) => (labels) => !Object.hasOwn(labels, m[1] as string)],
  [/^([^\s!=(),]+)\s*(?:==|=)\s*([^\s!=(),]*)$/, (m) => (labels) => labels[m[1] as string] === m[2]],
  [/^([^\s!=(),]+)\s*!=\s*([^\s!=(),]*)$/, (m) => (labels) => labels[m[1] as string] !== m[2]],
  [/^([^\s!=(),]+)\s+in\s*\(([^()]*)\)$/, (m) => { const set = valueSet(m[2] as string); return (labels) => Object.hasOwn(labels, m[1] as string) && set.has(labels[m[1] as string] as string); }],
  [/^([^\s!=(),]+)\s+notin\s*\(([^()]*)\)$/, (m) => { const set = valueSet(m[2] as string); return (labels) => !Object.hasOwn(labels, m[1] as string) || !set.has(labels[m[1] as string] as string); }],
  [/^([^\s!=(),]+)$/, (m) => (labels) => Object.hasOwn(labels, m[1] as string)],
];

function valueSet(text: string): Set<string> {
  return new Set(text.split(',').map((v) => v.trim()));
}

/** Splits on the commas that separate requirements (not those inside `in (…)`). */
function requirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

/** A `labelSelector` query parameter as a test; a malformed one is the API server's 400. */
export function parseLabelSelectorQuery(text: string): LabelTest {
  if (text.trim() === '') return () => true;
  const tests = requirements(text).map((part) => {
    for (const [form, build] of requirementForms) {
      const match = form.exec(part);
      if (match) return build(match);
    }
    throw new HttpError(400, 'BadRequest', `unable to parse requirement: ${JSON.stringify(part)} in labelSelector ${JSON.stringify(text)}`);
  });
  return (labels) => tests.every((test) => test(labels));
}

/** A structured selector of an object (a workload's spec.selector, a PodDisruptionBudget's). */
export function selectorMatches(labels: Readonly<Record<string, string>>, selector: LabelSelector): boolean {
  const plain = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    plain &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      switch (operator) {
        case 'In':
          return has && values.includes(labels[key] as string);
        case 'NotIn':
          return !has || !values.includes(labels[key] as string);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    })
  );
}
