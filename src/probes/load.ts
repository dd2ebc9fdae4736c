import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configError, formatIssues } from '../config/issues.js';
import { printable } from '../printable.js';
import { probeFile, probeFileEntry, toProbeSpec, type ProbeSpec } from './spec.js';

/** Reads a probe file (YAML or JSON, a list); every problem is one line naming the file, the probe and the field. */
export async function loadProbeFile(path: string, cwd: string): Promise<ProbeSpec[]> {
  const file = resolve(cwd, path);
  const shown = relative(cwd, file) || path;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw configError([`${printable(shown)}: cannot read the probe file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw configError([`${printable(shown)}: not YAML or JSON: ${printable((error as Error).message.split('\n')[0] ?? '')}`]);
  }
  return parseProbes(data, shown);
}

/** Probe entries (already parsed data) → specs, or one configError listing every problem. */
export function parseProbes(data: unknown, source: string): ProbeSpec[] {
  const parsed = probeFile.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      const [index, ...rest] = issue.path;
      if (typeof index !== 'number') return formatIssues(printable(source), { issues: [issue] } as never);
      const name = nameAt(data, index);
      return formatIssues(`${printable(source)}: probe ${name}`, { issues: [{ ...issue, path: rest }] } as never, probeFileEntry);
    });
    throw configError(problems);
  }
  const specs = parsed.data.map(toProbeSpec);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw configError([`${printable(source)}: probe ${printable(JSON.stringify(spec.name))}: name: used twice; every probe needs its own name`]);
    seen.add(spec.name);
  }
  return specs;
}

function nameAt(data: unknown, index: number): string {
  const entry = Array.isArray(data) ? (data[index] as { name?: unknown } | undefined) : undefined;
  return typeof entry?.name === 'string' && entry.name !== '' ? printable(JSON.stringify(entry.name)) : `#${index + 1}`;
}

/** `--probe-http URL`: an http probe in every phase, failing on the first bad answer, named after the URL's host. */
export function httpFlagProbes(urls: readonly string[]): ProbeSpec[] {
  return urls.map((url, i) => {
    let host: string;
    try {
      host = new URL(url).host.replace(/[^-A-Za-z0-9_.]/g, '-');
    } catch {
      throw configError([`--probe-http: expected an http:// or https:// URL, got ${printable(JSON.stringify(url))}`]);
    }
    return parseProbes([{ name: urls.length > 1 ? `${host}-${i + 1}` : host, http: { url } }], '--probe-http')[0] as ProbeSpec;
  });
}
