import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configYamlSchema, killPodFileSchema, nodeExecFileSchema, type Cookie } from './schema.js';
import { fromConfigYaml, fromKillPodFile, fromNodeExecFile } from './normalize.js';
import { formatIssues } from './issues.js';

export const cookieGroups = ['killpod', 'nodeexec'] as const;
export type CookieGroup = (typeof cookieGroups)[number];

export interface LoadResult {
  /** Where the cookies came from, or undefined when no cookie directory exists. */
  root: string | undefined;
  cookies: Cookie[];
  /** One line per problem, across all files. */
  problems: string[];
}

/** `--cookies DIR`, else `./cookies.d`, else `/etc/cookies.d` (the original's order, plus the flag). */
export function findCookieRoot(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  return [resolve(cwd, 'cookies.d'), '/etc/cookies.d'].find((dir) => existsSync(dir));
}

/** Loads every cookie below `root` (a cookies.d directory or a config.yaml file), collecting every problem. */
export async function loadCookies(root: string | undefined, cwd: string): Promise<LoadResult> {
  if (root === undefined) return { root, cookies: [], problems: [] };
  if (!existsSync(root)) return { root, cookies: [], problems: [`${shown(root, cwd)}: no such file or directory`] };
  const files = statSync(root).isDirectory() ? await listCookieFiles(root) : [root];
  const results = await Promise.all(files.map((file) => loadCookieFile(file, cwd)));
  return {
    root,
    cookies: results.flatMap((r) => r.cookies),
    problems: results.flatMap((r) => r.problems),
  };
}

async function listCookieFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of ['config.yaml', 'config.yml', join('config', 'config.yaml')]) {
    if (existsSync(join(root, name))) files.push(join(root, name));
  }
  for (const group of cookieGroups) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    const names = (await readdir(dir)).filter((n) => ['.json', '.yaml', '.yml'].includes(extname(n))).sort();
    files.push(...names.map((n) => join(dir, n)));
  }
  return files;
}

/** One file: a killpod or nodeexec JSON cookie (group from its folder) or a generation-2 config.yaml. */
export async function loadCookieFile(file: string, cwd: string): Promise<Omit<LoadResult, 'root'>> {
  const source = shown(file, cwd);
  let data: unknown;
  try {
    const text = await readFile(file, 'utf8');
    data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { cookies: [], problems: [`${source}: cannot read: ${reason}`] };
  }
  const group = basename(resolve(file, '..'));
  const jobName = basename(file, extname(file));
  if (group === 'killpod') {
    const parsed = killPodFileSchema.safeParse(data);
    if (!parsed.success) return { cookies: [], problems: formatIssues(source, parsed.error) };
    return { cookies: [fromKillPodFile(jobName, source, parsed.data)], problems: [] };
  }
  if (group === 'nodeexec') {
    const parsed = nodeExecFileSchema.safeParse(data);
    if (!parsed.success) return { cookies: [], problems: formatIssues(source, parsed.error) };
    return { cookies: [fromNodeExecFile(jobName, source, parsed.data)], problems: [] };
  }
  const parsed = configYamlSchema.safeParse(lowerCaseKeys(data));
  if (!parsed.success) return { cookies: [], problems: formatIssues(source, parsed.error) };
  return { cookies: fromConfigYaml(source, parsed.data), problems: [] };
}

/** viper matched config.yaml keys case-insensitively. */
function lowerCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), lowerCaseKeys(v)]));
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}
