import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const localXsd = new URL('./fixtures/jenkins-junit.xsd', import.meta.url);

/** The Jenkins JUnit XSD; the copy in test/report/fixtures keeps the tests working outside this machine. */
export function jenkinsXsd(): { path: string; text: string } {
  const path = localXsd.pathname;
  return { path, text: readFileSync(path, 'utf8') };
}

/** Schema errors from xmllint-wasm (always available); [] when valid. */
export async function wasmSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [jenkinsXsd().text] });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

/** In CI (.ci/run installs libxml2-utils) a missing xmllint fails the check instead of skipping it. */
export const xmllintAvailable = process.env['CI'] === 'true' || spawnSync('xmllint', ['--version']).status === 0;

/** Schema errors from Debian's xmllint; [] when valid. Callers skip when `xmllintAvailable` is false. */
export function xmllintSchemaErrors(xml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kcm-xsd-'));
  const file = join(dir, 'report.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', jenkinsXsd().path, file], { stdio: 'pipe' });
    return [];
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    return stderr.split('\n').filter((line) => line.includes('error'));
  }
}
