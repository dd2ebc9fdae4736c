import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCookieError } from '../../src/errors.js';
import { toJUnitXml } from '../../src/report/junit.js';
import { readExternalJUnit } from '../../src/report/merge-junit.js';
import { sampleReport } from './sample-report.js';
import { wasmSchemaErrors } from './xsd.js';

const rallyFile = (name: string) => readFileSync(new URL(`../fixtures/rally/${name}`, import.meta.url), 'utf8');

describe('readExternalJUnit', () => {
  it("normalises Rally's JUnit (nameless testsuite, id and timestamp on cases), which the XSD refuses as is; the case's timestamp is its start", async () => {
    const xml = rallyFile('rally-junit-sla-fail.xml');
    expect((await wasmSchemaErrors(xml)).join('\n')).toContain("The attribute 'name' is required but missing");
    const cases = readExternalJUnit(xml, { defaultSuite: 'rally' });
    expect(cases).toEqual([
      {
        suite: 'rally',
        className: 'Dummy',
        name: 'dummy_random_fail_in_atomic',
        timeSeconds: 0.03,
        start: { at: new Date(2026, 10, 24, 13, 13, 48).getTime(), precisionMs: 1000, from: 'testcase' },
        failure: 'Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed',
      },
    ]);
    const merged = toJUnitXml({ ...sampleReport(), externalCases: cases });
    expect(await wasmSchemaErrors(merged)).toEqual([]);
    expect(merged).not.toContain('id="590224b7');
    expect(merged).not.toContain('2026-11-24T13:13:48');
  });

  it("reads Rally's passing JUnit (self-closing testcase)", () => {
    expect(readExternalJUnit(rallyFile('rally-junit-pass.xml'), { defaultSuite: 'rally' })).toEqual([
      { suite: 'rally', className: 'Dummy', name: 'dummy', timeSeconds: 0.03, start: { at: new Date(2026, 10, 24, 13, 14, 0).getTime(), precisionMs: 1000, from: 'testcase' } },
    ]);
  });

  it.each([
    ['2026-11-24T09:00:01Z', Date.UTC(2026, 10, 24, 9, 0, 1), 1000],
    ['2026-11-24T10:00:01.25+01:00', Date.UTC(2026, 10, 24, 9, 0, 1, 250), 10],
    ['2026-11-24T04:00:01.123456-0500', Date.UTC(2026, 10, 24, 9, 0, 1, 123), 1],
    ['2026-11-24 09:00:01Z', Date.UTC(2026, 10, 24, 9, 0, 1), 1000],
    ['2026-11-24T09:00Z', Date.UTC(2026, 10, 24, 9, 0, 0), 60_000],
  ])('reads the case timestamp %j as its start (precision from its digits)', (timestamp, at, precisionMs) => {
    const [c] = readExternalJUnit(`<testsuite name="s"><testcase name="t" timestamp="${timestamp}"/></testsuite>`, { defaultSuite: 's' });
    expect(c?.start).toEqual({ at, precisionMs, from: 'testcase' });
  });

  it("gives cases without their own timestamp their suite's start plus the times of the cases before them; none without any timestamp", () => {
    const xml = `<testsuites>
  <testsuite name="api" timestamp="2026-11-24T09:00:00Z">
    <testcase name="first" time="1.5"/><testcase name="second" time="2"/><testcase name="third" time="x"/><testcase name="fourth"/>
  </testsuite>
  <testsuite name="untimed"><testcase name="alone" time="3"/></testsuite>
  <testsuite name="odd" timestamp="yesterday"><testcase name="bad" time="1"/></testsuite>
</testsuites>`;
    const cases = readExternalJUnit(xml, { defaultSuite: 'v' });
    expect(cases.map((c) => [c.name, c.start && c.start.at - Date.UTC(2026, 10, 24, 9, 0, 0), c.start?.from])).toEqual([
      ['first', 0, 'testsuite'],
      ['second', 1500, 'testsuite'],
      ['third', 3500, 'testsuite'],
      ['fourth', 3500, 'testsuite'],
      ['alone', undefined, undefined],
      ['bad', undefined, undefined],
    ]);
  });

  it('reads every outcome of a generic JUnit file', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="all">
  <testsuite name="api" tests="5">
    <properties><property name="a" value="b"/></properties>
    <testcase classname="api.Login" name="works" time="1.5"><system-out>logged in</system-out><system-out>twice</system-out></testcase>
    <testcase classname="api.Login" name="rejects" time="0.25">
      <failure message="expected 401" type="AssertionError"><![CDATA[at login.test.js:12
  expected 401, got 200]]></failure>
      <system-err>stack &amp; more</system-err>
    </testcase>
    <testcase name="crashes" time="abc"><error message="TypeError: x is undefined"/></testcase>
    <testcase name="later"><skipped message="not on Tuesdays"/></testcase>
    <testcase name="bare-skip"><skipped/></testcase>
    <testcase name="empty-failure"><failure/></testcase>
    <testsuite name="nested"><testcase name="inner" time="2"/></testsuite>
  </testsuite>
</testsuites>`;
    expect(readExternalJUnit(xml, { defaultSuite: 'verification' })).toEqual([
      { suite: 'api', className: 'api.Login', name: 'works', timeSeconds: 1.5, systemOut: 'logged in\ntwice' },
      { suite: 'api', className: 'api.Login', name: 'rejects', timeSeconds: 0.25, failure: 'expected 401\nat login.test.js:12\n  expected 401, got 200', systemErr: 'stack & more' },
      { suite: 'api', className: 'api', name: 'crashes', timeSeconds: 0, error: 'TypeError: x is undefined' },
      { suite: 'api', className: 'api', name: 'later', timeSeconds: 0, skipped: 'not on Tuesdays' },
      { suite: 'api', className: 'api', name: 'bare-skip', timeSeconds: 0, skipped: '' },
      { suite: 'api', className: 'api', name: 'empty-failure', timeSeconds: 0, failure: 'failed' },
      { suite: 'nested', className: 'nested', name: 'inner', timeSeconds: 2 },
    ]);
  });

  it('reads a single testsuite root and gives nameless cases a name', () => {
    const xml = '<testsuite tests="2"><testcase id="abc"/><testcase/></testsuite>';
    expect(readExternalJUnit(xml, { defaultSuite: 'rally' })).toEqual([
      { suite: 'rally', className: 'rally', name: 'abc', timeSeconds: 0 },
      { suite: 'rally', className: 'rally', name: 'case 2', timeSeconds: 0 },
    ]);
  });

  it('reads the JUnit that vitest itself writes', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="1" failures="0" errors="0" time="0.5">
    <testsuite name="test/a.test.ts" timestamp="2026-11-24T09:00:00.000Z" hostname="ci" tests="1" failures="0" errors="0" skipped="0" time="0.01">
        <testcase classname="test/a.test.ts" name="a &gt; works" time="0.002">
        </testcase>
    </testsuite>
</testsuites>`;
    const cases = readExternalJUnit(xml, { defaultSuite: 'verification' });
    expect(cases).toEqual([
      { suite: 'test/a.test.ts', className: 'test/a.test.ts', name: 'a > works', timeSeconds: 0.002, start: { at: Date.UTC(2026, 10, 24, 9, 0, 0), precisionMs: 1, from: 'testsuite' } },
    ]);
    expect(await wasmSchemaErrors(toJUnitXml({ ...sampleReport(), externalCases: cases }))).toEqual([]);
  });

  it.each([
    ['<testsuites><testsuite name="x">', /^reports\/rally\.xml: not well-formed XML at line 1, column \d+: /],
    ['<html><body>502 Bad Gateway</body></html>', /^reports\/rally\.xml: expected a <testsuites> or <testsuite> root element, found <html>$/],
    ['', /^reports\/rally\.xml: /],
  ])('refuses %j with a one-line error naming the source', (xml, message) => {
    let caught: unknown;
    try {
      readExternalJUnit(xml, { defaultSuite: 'rally', source: 'reports/rally.xml' });
    } catch (error) {
      caught = error;
    }
    expect(isCookieError(caught) && caught.code).toBe('config-invalid');
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });
});
