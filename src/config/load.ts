import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configYamlSchema, killPodFileSchema, nodeExecFileSchema, type Cookie } from './schema.js';
import { fromConfigYaml, fromKillPodFile, fromNodeExecFile } from './normalize.js';
import { printable } from '../printable.js';
import { formatIssues } from './issues.js';

export const cookieGroups = ['killpod', 'nodeexec'] as const;
export type CookieGroup = (typeof cookieGroups)[number];

/** Cookie files by extension, and where a generation-2 config.yaml may sit in a cookies.d directory. */
export const cookieFileExtensions = ['.json', '.yaml', '.yml'];
export const configFileNames = ['config.yaml', 'config.yml', join('config', 'config.yaml')];

/** Where the original looked when no directory is given, after `./cookies.d`. */
export const systemCookieRoot = '/etc/cookies.d';

export interface LoadResult {
  /** Where the cookies came from, or undefined when no cookie directory exists. */
  root: string | undefined;
  cookies: Cookie[];
  /** One line per problem, across all files. */
  problems: string[];
}

/** `--cookies DIR`, else `./cookies.d`, else `/etc/cookies.d` (the original's order, plus the flag). */
export function findCookieRoot(explicit: string | undefined, cwd: string, systemRoot = systemCookieRoot): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  return [resolve(cwd, 'cookies.d'), systemRoot].find((dir) => existsSync(dir));
}

/** Loads every cookie below `root` (a cookies.d directory or one cookie / config.yaml file), collecting every problem. */
export async function loadCookies(root: string | undefined, cwd: string): Promise<LoadResult> {
  if (root === undefined) return { root, cookies: [], problems: [] };
  if (!existsSync(root)) return { root, cookies: [], problems: [`${shown(root, cwd)}: no such file or directory`] };
  const isDirectory = statSync(root).isDirectory();
  const files = isDirectory ? await listCookieFiles(root) : [root];
  if (files.length === 0) {
    const problem = `${shown(root, cwd)}: no cookie files: expected killpod/*.json, nodeexec/*.json or config.yaml`;
    return { root, cookies: [], problems: [problem] };
  }
  const results = await Promise.all(files.map((file) => loadCookieFile(file, cwd)));
  return {
    root,
    cookies: results.flatMap((r) => r.cookies),
    problems: results.flatMap((r) => r.problems),
  };
}

async function listCookieFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of configFileNames) {
    if (existsSync(join(root, name))) files.push(join(root, name));
  }
  for (const group of cookieGroups) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    const names = (await readdir(dir)).filter((n) => cookieFileExtensions.includes(extname(n))).sort();
    files.push(...names.map((n) => join(dir, n)));
  }
  return files;
}

/**
 * One file: a killpod or nodeexec cookie (group from its folder; a JSON file elsewhere is a nodeexec cookie when it
 * has `commands`, else a killpod cookie) or a generation-2 config.yaml. The job name is the file name without its
 * extension.
 */
export async function loadCookieFile(file: string, cwd: string): Promise<Omit<LoadResult, 'root'>> {
  const source = shown(file, cwd);
  const isJson = extname(file) === '.json';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { cookies: [], problems: [`${source}: cannot read: ${firstLine(error)}`] };
  }
  let data: unknown;
  try {
    data = isJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return { cookies: [], problems: [`${source}: invalid ${isJson ? 'JSON' : 'YAML'}: ${firstLine(error)}`] };
  }
  const jobName = basename(file, extname(file));
  const group = groupOf(file, isJson, data);
  if (group === 'killpod') {
    const parsed = killPodFileSchema.safeParse(goStyleKeys(data, killPodKeys));
    if (!parsed.success) return { cookies: [], problems: formatIssues(source, parsed.error, killPodFileSchema) };
    return { cookies: [fromKillPodFile(jobName, source, parsed.data)], problems: [] };
  }
  if (group === 'nodeexec') {
    const parsed = nodeExecFileSchema.safeParse(goStyleKeys(data, nodeExecKeys));
    if (!parsed.success) return { cookies: [], problems: formatIssues(source, parsed.error, nodeExecFileSchema) };
    return { cookies: [fromNodeExecFile(jobName, source, parsed.data)], problems: [] };
  }
  const parsed = configYamlSchema.safeParse(lowerCaseKeys(data));
  if (!parsed.success) return { cookies: [], problems: formatIssues(source, parsed.error, configYamlSchema) };
  return { cookies: fromConfigYaml(source, parsed.data), problems: [] };
}

function groupOf(file: string, isJson: boolean, data: unknown): CookieGroup | 'config' {
  const folder = basename(dirname(resolve(file)));
  if (folder === 'killpod' || folder === 'nodeexec') return folder;
  if (!isJson) return 'config';
  return typeof data === 'object' && data !== null && 'commands' in data ? 'nodeexec' : 'killpod';
}

const killPodKeys = Object.keys(killPodFileSchema.shape);
const nodeExecKeys = Object.keys(nodeExecFileSchema.shape);

/**
 * Go's encoding/json matched keys to struct fields case-insensitively, so `{"Interval": 30}` worked in the
 * original; a key that differs from one of ours only by case is renamed, any other key is left for the schema.
 */
function goStyleKeys(value: unknown, known: readonly string[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const byLower = new Map(known.map((key) => [key.toLowerCase(), key]));
  const renamed = Object.entries(value).map(([key, v]) => {
    const canonical = known.includes(key) ? key : byLower.get(key.toLowerCase());
    return [canonical !== undefined && !Object.hasOwn(value, canonical) ? canonical : key, v] as const;
  });
  return Object.fromEntries(renamed);
}

/** viper matched config.yaml keys case-insensitively. */
function lowerCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), lowerCaseKeys(v)]));
}

/** A parser's message quotes the file (`Unexpected token …, "…" is not valid JSON`): escaped, one line. */
function firstLine(error: unknown): string {
  return printable((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '');
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return printable(rel.startsWith('..') || rel === '' ? file : rel);
}
