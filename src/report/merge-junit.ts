import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CookieError } from '../errors.js';
import type { ExternalCase } from './types.js';

type XmlNode = Record<string, unknown>;

const repeatable = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped', 'system-out', 'system-err']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && repeatable.has(name),
});

export interface ReadJUnitOptions {
  /** Suite name for a `testsuite` without one (Rally's). */
  defaultSuite: string;
  /** Named in error messages, e.g. the file path. */
  source?: string;
}

/**
 * Reads the test cases of any JUnit XML (a `testsuites` or a single `testsuite` root, nested suites, failure, error,
 * skipped, system-out, system-err) into cases our report can merge. What the Jenkins XSD would refuse is left
 * behind: Rally's nameless `testsuite` gets `defaultSuite`, its `id` case attribute is dropped, and a case's
 * `timestamp` becomes its `start` (so is a suite's, for cases without their own) for attributing failures to kills.
 */
export function readExternalJUnit(xmlText: string, options: ReadJUnitOptions): ExternalCase[] {
  const source = options.source ?? 'JUnit XML';
  const validation = XMLValidator.validate(xmlText);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new CookieError('config-invalid', `${source}: not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  const document = parser.parse(xmlText) as XmlNode;
  const cases: ExternalCase[] = [];
  if (isNode(document['testsuites'])) {
    const root = document['testsuites'];
    for (const suite of nodes(root['testsuite'])) collectSuite(suite, options.defaultSuite, cases);
    collectCases(root, options.defaultSuite, cases);
  } else if (document['testsuite'] !== undefined) {
    for (const suite of nodes(document['testsuite'])) collectSuite(suite, options.defaultSuite, cases);
  } else {
    const found = Object.keys(document).find((key) => !key.startsWith('?'));
    throw new CookieError('config-invalid', `${source}: expected a <testsuites> or <testsuite> root element, found ${found ? `<${found}>` : 'no element'}`);
  }
  return cases;
}

function collectSuite(suite: XmlNode, fallbackName: string, into: ExternalCase[]): void {
  const name = attribute(suite, 'name') || fallbackName;
  collectCases(suite, name, into, parseTimestamp(attribute(suite, 'timestamp')));
  for (const child of nodes(suite['testsuite'])) collectSuite(child, name, into);
}

function collectCases(parent: XmlNode, suiteName: string, into: ExternalCase[], suiteStart?: Timestamp): void {
  let elapsedMs = 0;
  nodes(parent['testcase']).forEach((testCase, index) => {
    const parsedTime = Number.parseFloat(attribute(testCase, 'time') ?? '');
    const time = Number.isFinite(parsedTime) && parsedTime >= 0 ? parsedTime : 0;
    const found: ExternalCase = {
      suite: suiteName,
      className: attribute(testCase, 'classname') || suiteName,
      name: attribute(testCase, 'name') ?? attribute(testCase, 'id') ?? `case ${index + 1}`,
      timeSeconds: time,
    };
    const own = parseTimestamp(attribute(testCase, 'timestamp'));
    if (own) found.start = { ...own, from: 'testcase' };
    else if (suiteStart) found.start = { at: suiteStart.at + elapsedMs, precisionMs: suiteStart.precisionMs, from: 'testsuite' };
    elapsedMs += time * 1000;
    const failure = outcomeText(testCase['failure'], 'failed');
    const error = outcomeText(testCase['error'], 'error');
    const skipped = testCase['skipped'] === undefined ? undefined : (outcomeText(testCase['skipped'], '') ?? '');
    const systemOut = joinedText(testCase['system-out']);
    const systemErr = joinedText(testCase['system-err']);
    if (failure !== undefined) found.failure = failure;
    if (error !== undefined) found.error = error;
    if (skipped !== undefined) found.skipped = skipped;
    if (systemOut) found.systemOut = systemOut;
    if (systemErr) found.systemErr = systemErr;
    into.push(found);
  });
}

interface Timestamp {
  at: number;
  precisionMs: number;
}

const isoDateTime = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.(\d+))?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/** A JUnit `timestamp` (ISO 8601; without an offset it is the local time of the machine that ran the tests). */
function parseTimestamp(text: string | undefined): Timestamp | undefined {
  const match = isoDateTime.exec(text?.trim() ?? '');
  if (!match) return undefined;
  const [, dateTime = '', fraction, offset] = match;
  const zone = offset === undefined ? '' : offset.toUpperCase() === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const at = Date.parse(`${dateTime.replace(' ', 'T')}${zone}`);
  if (!Number.isFinite(at)) return undefined;
  const hasSeconds = /T\d{2}:\d{2}:\d{2}/.test(dateTime.replace(' ', 'T'));
  const precisionMs = !hasSeconds ? 60_000 : fraction === undefined ? 1000 : Math.max(1, 1000 / 10 ** Math.min(3, fraction.length));
  return { at, precisionMs };
}

/** `message` attribute and body of failure/error/skipped elements, one per line; `empty` when both are blank. */
function outcomeText(value: unknown, empty: string): string | undefined {
  if (value === undefined) return undefined;
  const parts: string[] = [];
  for (const element of asArray(value)) {
    const message = isNode(element) ? (attribute(element, 'message') ?? '').trim() : '';
    const body = textOf(element).trim();
    if (message) parts.push(message);
    if (body && body !== message) parts.push(body);
  }
  return parts.length > 0 ? parts.join('\n') : empty;
}

function joinedText(value: unknown): string {
  return asArray(value)
    .map((element) => textOf(element).trim())
    .filter((text) => text !== '')
    .join('\n');
}

function textOf(element: unknown): string {
  if (typeof element === 'string') return element;
  if (isNode(element) && typeof element['#text'] === 'string') return element['#text'];
  return '';
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Elements as objects: `<testcase/>` parses to '' and a text-only element to its string. */
function nodes(value: unknown): XmlNode[] {
  return asArray(value).map((element) => (isNode(element) ? element : {}));
}
