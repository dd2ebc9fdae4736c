import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cookieGroups, loadCookieFile, type CookieGroup } from '../config/load.js';
import type { Cookie } from '../config/schema.js';
import { HttpError } from './http-io.js';

const extensions = ['.json', '.yaml', '.yml'];
const configNames = ['config.yaml', 'config.yml', join('config', 'config.yaml')];

export const isCookieGroup = (group: string): group is CookieGroup => (cookieGroups as readonly string[]).includes(group);

/**
 * The cookie files, read again on every request as the original did, so an edited ConfigMap is seen without a
 * restart. `root` is a cookies.d directory or a generation-2 config.yaml file.
 */
export function createCookieSource(root: string | undefined, cwd: string) {
  const isDir = (): boolean => root !== undefined && existsSync(root) && statSync(root).isDirectory();
  const fileOf = async (group: CookieGroup, name: string): Promise<string | undefined> => {
    if (!isDir() || name.includes('/') || name.startsWith('.')) return undefined;
    const dir = join(root as string, group);
    if (!existsSync(dir)) return undefined;
    const match = (await readdir(dir)).sort().find((f) => extensions.includes(extname(f)) && basename(f, extname(f)) === name);
    return match === undefined ? undefined : join(dir, match);
  };
  const configFile = (): string | undefined => {
    if (root === undefined || !existsSync(root)) return undefined;
    if (!isDir()) return root;
    return configNames.map((n) => join(root, n)).find((f) => existsSync(f));
  };
  const parse = async (file: string, what: string): Promise<Cookie[]> => {
    const loaded = await loadCookieFile(file, cwd);
    if (loaded.problems.length > 0) {
      throw new HttpError(400, 'config-invalid', `${what}: ${loaded.problems[0]}${loaded.problems.length > 1 ? ` (and ${loaded.problems.length - 1} more)` : ''}`);
    }
    return loaded.cookies;
  };

  return {
    root,
    /** Job names of one group: the file names without their extension. */
    async names(group: CookieGroup): Promise<string[]> {
      if (!isDir()) return [];
      const dir = join(root as string, group);
      if (!existsSync(dir)) return [];
      return (await readdir(dir)).filter((f) => extensions.includes(extname(f))).sort().map((f) => basename(f, extname(f)));
    },
    async raw(group: CookieGroup, name: string): Promise<string> {
      const file = await fileOf(group, name);
      if (!file) throw notFound(group, name, root);
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
      throw notFound(group, name, root);
    },
    /** Generation 2: config.yaml as data and as cookies; undefined when there is none. */
    async config(): Promise<{ file: string; data: unknown; cookies: Cookie[] } | undefined> {
      const file = configFile();
      if (!file) return undefined;
      const data: unknown = parseYaml(await readFile(file, 'utf8'));
      return { file, data, cookies: await parse(file, basename(file)) };
    },
  };
}

export type CookieSource = ReturnType<typeof createCookieSource>;

function notFound(group: string, name: string, root: string | undefined): HttpError {
  return new HttpError(404, 'not-found', `cookie ${group}/${name} not found${root ? ` in ${root}` : ' (no cookie directory)'}`, `list them with /list/${group}`);
}
