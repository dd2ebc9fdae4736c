import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CookieError } from '../errors.js';
import { configError } from './issues.js';
import { cookieFileExtensions, configFileNames, cookieGroups, loadCookieFile, loadCookies, type CookieGroup, type LoadResult } from './load.js';
import type { Cookie } from './schema.js';

export const isCookieGroup = (group: string): group is CookieGroup => (cookieGroups as readonly string[]).includes(group);

/**
 * The one place cookies are listed, found and selected, for `run`, `cookies`, the library and the server. It keeps no
 * state: every call reads the files again, so the server sees an edited ConfigMap without a restart, as the original did.
 * `root` is a cookies.d directory or a generation-2 config.yaml (see `findCookieRoot`).
 */
export function openCookieCatalog(root: string | undefined, cwd: string) {
  const isDir = (): boolean => root !== undefined && existsSync(root) && statSync(root).isDirectory();
  const fileOf = async (group: CookieGroup, name: string): Promise<string | undefined> => {
    if (!isDir() || name.includes('/') || name.startsWith('.')) return undefined;
    const dir = join(root as string, group);
    if (!existsSync(dir)) return undefined;
    const match = (await readdir(dir)).sort().find((f) => cookieFileExtensions.includes(extname(f)) && basename(f, extname(f)) === name);
    return match === undefined ? undefined : join(dir, match);
  };
  const configFile = (): string | undefined => {
    if (root === undefined || !existsSync(root)) return undefined;
    if (!isDir()) return root;
    return configFileNames.map((n) => join(root, n)).find((f) => existsSync(f));
  };
  const parse = async (file: string, what: string): Promise<Cookie[]> => {
    const loaded = await loadCookieFile(file, cwd);
    if (loaded.problems.length > 0) {
      throw new CookieError('config-invalid', `${what}: ${loaded.problems[0]}${loaded.problems.length > 1 ? ` (and ${loaded.problems.length - 1} more)` : ''}`);
    }
    return loaded.cookies;
  };
  const notFound = (group: string, name: string): CookieError =>
    new CookieError('not-found', `cookie ${group}/${name} not found${root ? ` in ${root}` : ' (no cookie directory)'}`, { hint: `list them with /list/${group} or \`cookiemonster cookies list\`` });

  return {
    root,
    /** Every cookie below the root, with one line per problem across all files. */
    all: (): Promise<LoadResult> => loadCookies(root, cwd),
    /** Job names of one group: the file names without their extension. */
    async names(group: CookieGroup): Promise<string[]> {
      if (!isDir()) return [];
      const dir = join(root as string, group);
      if (!existsSync(dir)) return [];
      return (await readdir(dir)).filter((f) => cookieFileExtensions.includes(extname(f))).sort().map((f) => basename(f, extname(f)));
    },
    /** The cookie file as written. */
    async raw(group: CookieGroup, name: string): Promise<string> {
      const file = await fileOf(group, name);
      if (!file) throw notFound(group, name);
      return readFile(file, 'utf8');
    },
    /** One cookie of cookies.d, else (killpod) one of config.yaml's by name. */
    async load(group: CookieGroup, name: string): Promise<Cookie> {
      const file = await fileOf(group, name);
      if (file) {
        const [cookie] = await parse(file, `${group}/${name}`);
        if (cookie) return cookie;
      }
      const fromConfig = group === 'killpod' ? (await this.config())?.cookies.find((c) => c.name === name) : undefined;
      if (fromConfig) return fromConfig;
      throw notFound(group, name);
    },
    /** Generation 2: config.yaml as data and as cookies; undefined when there is none. */
    async config(): Promise<{ file: string; data: unknown; cookies: Cookie[] } | undefined> {
      const file = configFile();
      if (!file) return undefined;
      const data: unknown = parseYaml(await readFile(file, 'utf8'));
      return { file, data, cookies: await parse(file, basename(file)) };
    },
    /** The cookies of a run: those named (`group/name` or `name`), else every killpod cookie. Any invalid file fails. */
    async select(names: readonly string[]): Promise<Cookie[]> {
      if (root === undefined) {
        throw new CookieError('config-invalid', 'no cookies: pass --cookies DIR, or create ./cookies.d/killpod/NAME.json', {
          hint: 'see `cookiemonster cookies --help` and the cookies.d folder shipped with the package',
        });
      }
      const loaded = await loadCookies(root, cwd);
      if (loaded.problems.length > 0) throw configError(loaded.problems);
      const cookies = names.length > 0 ? names.map((name) => findCookie(loaded.cookies, name)) : loaded.cookies.filter((c) => c.group === 'killpod');
      if (cookies.length === 0) throw new CookieError('config-invalid', `no killpod cookie in ${root}`);
      return cookies;
    },
  };
}

export type CookieCatalog = ReturnType<typeof openCookieCatalog>;

/** `group/name` or a unique `name` among `cookies`; a usage error naming what exists otherwise. */
export function findCookie(cookies: readonly Cookie[], wanted: string): Cookie {
  const matches = cookies.filter((c) => `${c.group}/${c.name}` === wanted || c.name === wanted);
  if (matches.length === 1 && matches[0]) return matches[0];
  const known = cookies.map((c) => `${c.group}/${c.name}`).join(', ') || 'none';
  if (matches.length > 1) throw new CookieError('usage', `cookie "${wanted}" is ambiguous: ${matches.map((c) => `${c.group}/${c.name}`).join(', ')}`);
  throw new CookieError('usage', `no cookie named "${wanted}" (found: ${known})`);
}
