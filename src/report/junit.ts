import { attributeCases } from './attribution.js';
import { caseChaosNote, verificationChaosNote } from './attribution-text.js';
import { cookieSuite } from './junit-cookies.js';
import { probeSuites } from './junit-probes.js';
import { uniqueCaseNames, type SuiteSpec } from './junit-model.js';
import { renderJUnit } from './junit-xml.js';
import { deployCheckSuite, externalCase, runSuite, verificationCase, verificationSuiteName } from './junit-suites.js';
import type { RunReport } from './types.js';

/**
 * The run as JUnit XML that validates against the Jenkins XSD: deploy-check, one suite per cookie, verification
 * (plus the command's own cases, e.g. Rally's), and a `cookiemonster` suite for an interruption or errors outside
 * the cookies. Pure: same report, same bytes.
 */
export function toJUnitXml(report: RunReport): string {
  const suites: SuiteSpec[] = [];
  const deploy = deployCheckSuite(report);
  if (deploy) suites.push(deploy);
  for (const cookie of report.cookies) suites.push(cookieSuite(report, cookie));
  suites.push(...probeSuites(report));

  const verifyStart = report.verification?.startedAt ?? report.startedAt;
  const verification: SuiteSpec = { name: verificationSuiteName, startedAt: verifyStart, timeSeconds: 0, cases: [] };
  const attribution = attributeCases(report);
  if (report.verification) {
    verification.cases.push(verificationCase(report.verification, verificationChaosNote(attribution, report.startedAt)));
    verification.timeSeconds = verification.cases[0]?.timeSeconds ?? 0;
  }
  const bySuite = new Map<string, SuiteSpec>([[verificationSuiteName, verification]]);
  const external: SuiteSpec[] = [];
  for (const [index, c] of report.externalCases.entries()) {
    let suite = bySuite.get(c.suite);
    if (!suite) {
      suite = { name: c.suite, startedAt: verifyStart, timeSeconds: 0, cases: [] };
      bySuite.set(c.suite, suite);
      external.push(suite);
    }
    const attributed = attribution.cases[index];
    suite.cases.push(externalCase(c, attributed && caseChaosNote(attributed, attribution, report.startedAt)));
    if (suite !== verification) suite.timeSeconds = Math.round((suite.timeSeconds + c.timeSeconds) * 1000) / 1000;
  }
  if (verification.cases.length > 0) suites.push(verification);
  suites.push(...external);

  const run = runSuite(report);
  if (run) suites.push(run);

  const properties: [string, string][] = [
    ['runId', report.runId],
    ['seed', String(report.seed)],
    ['dryRun', String(report.dryRun)],
    ['server', report.server],
  ];
  if (report.interrupted) properties.push(['interrupted', report.interrupted]);
  return renderJUnit('kube-cookiemonster', suites.map((s) => ({ ...s, cases: uniqueCaseNames(s.cases) })), properties);
}
