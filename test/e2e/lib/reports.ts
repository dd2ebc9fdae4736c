import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { exec } from './exec.js';
import { repoRoot } from './paths.js';

/** The fixture sits beside the repository in CI (`../shared/fixtures`), so it is found relative to the repo. */
export const junitXsd = join(repoRoot, '..', 'shared', 'fixtures', 'jenkins-junit.xsd');

/** Kill-log entries as written on disk; only the fields the scenarios read are typed. */
export interface KillLogLine {
  kind: string;
  at: number;
  cookie?: string;
  pod?: { namespace: string; name: string; uid: string };
  workload?: { kind: string; namespace: string; name: string };
  dryRun?: boolean;
  mode?: string;
  reason?: string;
  message?: string;
  code?: string;
  hint?: string;
  recovered?: boolean;
  replacementMs?: number;
  recoveredMs?: number;
  stages?: Partial<Record<'accepted' | 'terminating' | 'gone' | 'replacement' | 'scheduled' | 'ready' | 'available', number>>;
  exitCode?: number | null;
  [field: string]: unknown;
}

export async function readKillLog(path: string): Promise<KillLogLine[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as KillLogLine;
      } catch {
        throw new Error(`${path}:${i + 1}: not a JSON object: ${line.slice(0, 120)}`);
      }
    });
}

export const ofKind = (entries: readonly KillLogLine[], kind: string): KillLogLine[] => entries.filter((e) => e.kind === kind);

/** xmllint against the Jenkins JUnit XSD; returns xmllint's complaints ('' when valid). */
export async function xsdProblems(junitPath: string): Promise<string> {
  if (!existsSync(junitXsd)) throw new Error(`the Jenkins JUnit XSD is not at ${junitXsd} (CI clones shared/ beside the repository)`);
  const r = await exec('xmllint', ['--noout', '--schema', junitXsd, junitPath], { timeoutMs: 30_000 });
  return r.code === 0 ? '' : `${r.stderr}${r.stdout}`.trim();
}

export interface JUnitCase {
  suite: string;
  classname: string;
  name: string;
  failure: boolean;
  error: boolean;
  skipped: boolean;
  text: string;
}

/** Flattens a JUnit document into its test cases with their verdicts. */
export async function readJUnitCases(path: string): Promise<JUnitCase[]> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name),
  });
  const doc = parser.parse(await readFile(path, 'utf8')) as { testsuites?: { testsuite?: any[] }; testsuite?: any[] };
  const suites = doc.testsuites?.testsuite ?? doc.testsuite ?? [];
  return suites.flatMap((suite) =>
    ((suite.testcase ?? []) as any[]).map((c) => ({
      suite: String(suite.name ?? ''),
      classname: String(c.classname ?? ''),
      name: String(c.name ?? ''),
      failure: (c.failure ?? []).length > 0,
      error: (c.error ?? []).length > 0,
      skipped: c.skipped !== undefined,
      text: JSON.stringify(c),
    })),
  );
}
