import jrb, { type Builder } from 'junit-report-builder';
import type { SuiteSpec } from './junit-model.js';

// The package's .d.ts declares a default export but ships `module.exports = builder`; see field notes §6.
const factory = jrb as unknown as Builder;

/** ANSI colour and cursor sequences: the XML would keep them as "[31m" junk once the ESC byte is dropped. */
const ansi = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Characters XML 1.0 cannot carry at all (control characters, U+FFFE/U+FFFF, lone surrogates). */
const notXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text without ANSI sequences and without characters XML cannot carry (removed here, before CDATA splitting). */
export function plainText(text: string): string {
  return text.replace(ansi, '').replace(notXml, '');
}

/**
 * junit-report-builder's bundled xmlbuilder splits only the FIRST `]]>` of a CDATA text (a non-global
 * `replace`); a second one would end the section early and break the XML. Splitting every later one ourselves
 * leaves exactly one for it to handle. The round-trip property test fails if a future version changes this.
 */
export function protectCdata(text: string): string {
  const first = text.indexOf(']]>');
  if (first === -1) return text;
  const end = first + 3;
  return text.slice(0, end) + text.slice(end).replaceAll(']]>', ']]]]><![CDATA[>');
}

const cdata = (text: string): string => protectCdata(plainText(text));

/** A UTC timestamp without offset, as the XSD's consumers expect; independent of TZ. */
export function utcTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Renders suites with junit-report-builder and drops what the Jenkins XSD refuses (`testsuites/@skipped`). */
export function renderJUnit(rootName: string, suites: readonly SuiteSpec[], properties: readonly [string, string][]): string {
  const builder = factory.newBuilder().name(rootName);
  for (const spec of suites) {
    const suite = builder.testSuite().name(spec.name).time(spec.timeSeconds).timestamp(utcTimestamp(spec.startedAt));
    for (const [name, value] of properties) suite.property(name, value);
    for (const c of spec.cases) {
      const testCase = suite.testCase().className(c.className).name(plainText(c.name)).time(c.timeSeconds);
      const verdict = c.verdict;
      if (verdict.kind === 'failure') {
        testCase.failure(plainText(verdict.message), verdict.type);
        if (verdict.details) testCase.stacktrace(cdata(verdict.details));
      } else if (verdict.kind === 'error') {
        testCase.error(plainText(verdict.message), verdict.type, verdict.details && cdata(verdict.details));
      } else if (verdict.kind === 'skipped') {
        testCase.skipped();
      }
      if (c.systemOut) testCase.standardOutput(cdata(c.systemOut));
      if (c.systemErr) testCase.standardError(cdata(c.systemErr));
    }
  }
  return builder.build().replace(/(<testsuites\b[^>]*?)\s+skipped="\d+"/, '$1');
}
