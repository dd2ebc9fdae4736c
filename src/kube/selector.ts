import { CookieError } from '../errors.js';
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

/**
 * Label selectors as the API server understands them: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
 * Pure: no client-node import, shared by the real client and the fake API server.
 */

const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** The `labelSelector` query string for `sel`; '' (everything) for an empty selector. */
export function selectorToString(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const req of sel.matchExpressions ?? []) parts.push(requirementToString(req));
  return parts.join(',');
}

function requirementToString(req: LabelSelectorRequirement): string {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        throw new CookieError('config-invalid', `label selector: operator ${req.operator} on key "${req.key}" needs at least one value, got none`);
      }
      return `${req.key} ${req.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`;
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${req.key}`;
    default:
      throw new CookieError('config-invalid', `label selector: expected operator In, NotIn, Exists or DoesNotExist on key "${req.key}", got ${JSON.stringify(req.operator)}`);
  }
}

/** Does a pod with `labels` match `sel`? matchLabels AND every expression, as the API server decides. */
export function matchesSelector(labels: Readonly<Record<string, string>>, sel: LabelSelector): boolean {
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const req of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = has ? labels[req.key] : undefined;
    const values = req.values ?? [];
    const ok =
      req.operator === 'In' ? has && values.includes(value ?? '')
      : req.operator === 'NotIn' ? !has || !values.includes(value ?? '')
      : req.operator === 'Exists' ? has
      : req.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses a `labelSelector` string; throws CookieError 'config-invalid' naming the selector and the position. */
export function parseSelectorString(input: string): LabelSelector {
  const parser = new SelectorParser(input);
  return parser.parse();
}

class SelectorParser {
  private pos = 0;
  private readonly matchLabels: Record<string, string> = {};
  private readonly matchExpressions: LabelSelectorRequirement[] = [];

  constructor(private readonly input: string) {}

  parse(): LabelSelector {
    this.skipSpaces();
    if (this.pos >= this.input.length) return {};
    for (;;) {
      this.requirement();
      this.skipSpaces();
      if (this.pos >= this.input.length) break;
      this.expect(',');
    }
    const sel: LabelSelector = {};
    if (Object.keys(this.matchLabels).length > 0) sel.matchLabels = this.matchLabels;
    if (this.matchExpressions.length > 0) sel.matchExpressions = this.matchExpressions;
    return sel;
  }

  private requirement(): void {
    this.skipSpaces();
    if (this.peek() === '!') {
      this.pos++;
      this.matchExpressions.push({ key: this.key(), operator: 'DoesNotExist' });
      return;
    }
    const key = this.key();
    this.skipSpaces();
    const rest = this.input.slice(this.pos);
    if (rest.startsWith('==') || rest.startsWith('=')) {
      this.pos += rest.startsWith('==') ? 2 : 1;
      this.addEquals(key, this.value());
    } else if (rest.startsWith('!=')) {
      this.pos += 2;
      this.matchExpressions.push({ key, operator: 'NotIn', values: [this.value()] });
    } else if (/^(in|notin)\s*\(/.test(rest)) {
      const operator = rest.startsWith('in') ? 'In' : 'NotIn';
      this.pos += operator === 'In' ? 2 : 5;
      this.matchExpressions.push({ key, operator, values: this.valueSet() });
    } else {
      this.matchExpressions.push({ key, operator: 'Exists' });
    }
  }

  private addEquals(key: string, value: string): void {
    if (Object.hasOwn(this.matchLabels, key) && this.matchLabels[key] !== value) {
      this.matchExpressions.push({ key, operator: 'In', values: [value] });
    } else {
      this.matchLabels[key] = value;
    }
  }

  private valueSet(): string[] {
    this.skipSpaces();
    this.expect('(');
    const values: string[] = [];
    for (;;) {
      values.push(this.value());
      this.skipSpaces();
      if (this.peek() === ')') break;
      this.expect(',');
    }
    this.pos++;
    if (values.length === 1 && values[0] === '') this.fail('at least one value in ( )');
    return values;
  }

  private key(): string {
    this.skipSpaces();
    const match = /^[^\s,=!()]+/.exec(this.input.slice(this.pos));
    const key = match?.[0] ?? '';
    if (!keyPattern.test(key) || key.length > 316) this.fail('a label key');
    this.pos += key.length;
    return key;
  }

  private value(): string {
    this.skipSpaces();
    const match = /^[^\s,=!()]*/.exec(this.input.slice(this.pos));
    const value = match?.[0] ?? '';
    if (!valuePattern.test(value) || value.length > 63) this.fail('a label value');
    this.pos += value.length;
    return value;
  }

  private expect(char: string): void {
    this.skipSpaces();
    if (this.peek() !== char) this.fail(`"${char}"`);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.input[this.pos];
  }

  private skipSpaces(): void {
    while (this.pos < this.input.length && /\s/.test(this.input[this.pos] ?? '')) this.pos++;
  }

  private fail(expected: string): never {
    const found = this.pos >= this.input.length ? 'the end' : JSON.stringify(this.input.slice(this.pos, this.pos + 12));
    throw new CookieError('config-invalid', `label selector ${JSON.stringify(this.input)}: expected ${expected} at position ${this.pos}, got ${found}`, {
      hint: 'selectors look like `app=web,tier!=db,env in (a,b),release,!canary`',
      details: { selector: this.input, position: this.pos },
    });
  }
}

export const selectorOperators: readonly LabelSelectorRequirement['operator'][] = operators;
