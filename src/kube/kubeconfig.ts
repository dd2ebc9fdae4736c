import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CookieError } from '../errors.js';
import { printable } from '../printable.js';

/**
 * Finds and checks the kubeconfig the way kubectl does, without loading @kubernetes/client-node (config errors must
 * stay fast). client.ts turns the result into a client-node KubeConfig. Never falls back to http://localhost:8080.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface KubeConfigOptions {
  /** `--kubeconfig FILE`, relative to `cwd`. */
  kubeconfig?: string | undefined;
  /** `--context NAME`. */
  context?: string | undefined;
  /** Read for KUBECONFIG, HOME and KUBERNETES_SERVICE_HOST/PORT; never process.env directly. */
  env: Env;
  cwd?: string | undefined;
  /** A kubeconfig as YAML text, used instead of any file (library use and the demo). */
  kubeconfigYaml?: string | undefined;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount for the in-cluster config (tests). */
  inClusterPathPrefix?: string | undefined;
}

export interface KubeConfigDocument {
  /** Absolute path of the file, undefined for inline YAML. */
  path: string | undefined;
  text: string;
}

export interface InClusterConfig {
  server: string;
  tokenFile: string;
  caFile: string;
}

/** A `cluster:` or `user:` mapping as written, with the folder its relative paths are read from. */
export interface KubeConfigEntry {
  fields: Record<string, unknown>;
  /** Folder of the file that defined it; undefined for inline YAML (paths are taken as given). */
  dir: string | undefined;
}

export interface ResolvedKubeConfig {
  origin: 'inline' | '--kubeconfig' | '$KUBECONFIG' | '~/.kube/config' | 'in-cluster';
  /** Files merged, in order (kubectl rules: the first definition of a name wins). */
  documents: KubeConfigDocument[];
  inCluster: InClusterConfig | undefined;
  /** The current context's cluster and user entries (undefined in-cluster; `user` also when the context names none). */
  cluster: KubeConfigEntry | undefined;
  user: KubeConfigEntry | undefined;
  context: string;
  server: string;
  namespace: string;
}

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

const missingHint = 'pass --kubeconfig FILE, or run `cookiemonster demo` to try it on a built-in simulated cluster';

export function loadKubeConfig(options: KubeConfigOptions): ResolvedKubeConfig {
  const cwd = options.cwd ?? '.';
  if (options.kubeconfigYaml !== undefined) return fromDocuments('inline', [{ path: undefined, text: options.kubeconfigYaml }], options.context);
  if (options.kubeconfig) {
    const file = resolve(cwd, options.kubeconfig);
    if (!existsSync(file)) {
      throw new CookieError('kubeconfig-missing', `--kubeconfig ${options.kubeconfig}: no such file (${file})`, { hint: 'give the path of a kubeconfig file' });
    }
    return fromDocuments('--kubeconfig', [read(file)], options.context);
  }
  const list = options.env['KUBECONFIG'];
  if (list) {
    const files = list.split(delimiter).filter(Boolean).map((f) => resolve(cwd, f));
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) {
      // kubectl does not fall back to ~/.kube/config here either: that could be another, more precious cluster.
      throw new CookieError('kubeconfig-missing', `$KUBECONFIG names no existing file: ${files.join(', ')}`, { hint: 'fix $KUBECONFIG or pass --kubeconfig FILE' });
    }
    return fromDocuments('$KUBECONFIG', present.map(read), options.context);
  }
  const home = options.env['HOME'] ?? options.env['USERPROFILE'];
  if (home) {
    const file = join(home, '.kube', 'config');
    if (existsSync(file)) return fromDocuments('~/.kube/config', [read(file)], options.context);
  }
  const inCluster = loadInCluster(options.env, options.inClusterPathPrefix ?? '');
  if (inCluster) {
    if (options.context) {
      throw new CookieError('kubeconfig-missing', `--context ${options.context}: no kubeconfig found, and the in-cluster service account has no contexts`, { hint: missingHint });
    }
    return inCluster;
  }
  throw new CookieError('kubeconfig-missing', 'no kubeconfig found: tried --kubeconfig, $KUBECONFIG, ~/.kube/config and the in-cluster service account', { hint: missingHint });
}

function read(path: string): KubeConfigDocument {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new CookieError('kubeconfig-missing', `kubeconfig ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
}

function loadInCluster(env: Env, prefix: string): ResolvedKubeConfig | undefined {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const dir = `${prefix}${serviceAccountDir}`;
  const tokenFile = `${dir}/token`;
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const namespaceFile = `${dir}/namespace`;
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '';
  return {
    origin: 'in-cluster',
    documents: [],
    inCluster: { server, tokenFile, caFile: `${dir}/ca.crt` },
    cluster: undefined,
    user: undefined,
    context: 'in-cluster',
    server,
    namespace: namespace || 'default',
  };
}

interface Named {
  name: string;
  value: Record<string, unknown>;
}

interface Merged {
  clusters: Map<string, KubeConfigEntry>;
  contexts: Map<string, Record<string, unknown>>;
  users: Map<string, KubeConfigEntry>;
  current: string | undefined;
}

function fromDocuments(origin: ResolvedKubeConfig['origin'], documents: KubeConfigDocument[], wanted: string | undefined): ResolvedKubeConfig {
  const merged: Merged = { clusters: new Map(), contexts: new Map(), users: new Map(), current: undefined };
  for (const doc of documents) mergeDocument(merged, doc);
  const where = documents.map((d) => d.path ?? 'the inline kubeconfig').join(', ');
  const available = [...merged.contexts.keys()];
  const listed = available.length > 0 ? `available: ${available.map(printable).join(', ')}` : 'it defines no contexts';
  const name = wanted ?? merged.current;
  if (!name) {
    throw new CookieError('kubeconfig-missing', `kubeconfig ${where}: no current-context is set and no --context given (${listed})`, { hint: 'pass --context NAME' });
  }
  const context = merged.contexts.get(name);
  if (!context) {
    throw new CookieError('kubeconfig-missing', `kubeconfig ${where}: context "${printable(name)}" not found (${listed})`, {
      hint: wanted ? 'pick one of the available contexts with --context' : 'fix current-context, or pass --context NAME',
      details: { context: name, available },
    });
  }
  const clusterName = String(context['cluster'] ?? '');
  const cluster = merged.clusters.get(clusterName);
  const server = typeof cluster?.fields['server'] === 'string' ? cluster.fields['server'] : undefined;
  if (!cluster || !server) {
    const found = cluster ? 'it has no server' : 'no such cluster';
    throw new CookieError('config-invalid', `kubeconfig ${where}: context "${printable(name)}" uses cluster "${printable(clusterName)}": expected a cluster entry with a server, found ${found}`);
  }
  const userName = typeof context['user'] === 'string' ? context['user'] : '';
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) {
    throw new CookieError('config-invalid', `kubeconfig ${where}: context "${printable(name)}" uses user "${printable(userName)}", which no users entry defines`);
  }
  const namespace = typeof context['namespace'] === 'string' && context['namespace'] ? context['namespace'] : 'default';
  return { origin, documents, inCluster: undefined, cluster, user, context: name, server, namespace };
}

function mergeDocument(merged: Merged, doc: KubeConfigDocument): void {
  const label = doc.path ?? 'the inline kubeconfig';
  let value: unknown;
  try {
    value = parseYaml(doc.text);
  } catch (error) {
    throw new CookieError('config-invalid', `kubeconfig ${label}: invalid YAML: ${printable((error as Error).message.split('\n')[0] ?? '')}`, { cause: error });
  }
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CookieError('config-invalid', `kubeconfig ${label}: expected a mapping with clusters, users and contexts, got ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  const obj = value as Record<string, unknown>;
  const dir = doc.path === undefined ? undefined : dirname(doc.path);
  for (const { name, value: fields } of entries(obj, 'clusters', 'cluster', label)) if (!merged.clusters.has(name)) merged.clusters.set(name, { fields, dir });
  for (const { name, value: entry } of entries(obj, 'contexts', 'context', label)) if (!merged.contexts.has(name)) merged.contexts.set(name, entry);
  for (const { name, value: fields } of entries(obj, 'users', 'user', label)) if (!merged.users.has(name)) merged.users.set(name, { fields, dir });
  const current = obj['current-context'];
  if (merged.current === undefined && typeof current === 'string' && current) merged.current = current;
}

function entries(obj: Record<string, unknown>, list: string, field: string, label: string): Named[] {
  const raw = obj[list];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new CookieError('config-invalid', `kubeconfig ${label}: expected ${list} to be a list, got ${typeof raw}`);
  return raw.map((item: unknown, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof entry['name'] !== 'string' || !entry['name']) {
      throw new CookieError('config-invalid', `kubeconfig ${label}: expected ${list}[${i}].name to be a string, got ${printable(JSON.stringify(entry['name']) ?? 'nothing')}`);
    }
    const inner = entry[field];
    return { name: entry['name'], value: (typeof inner === 'object' && inner !== null ? inner : {}) as Record<string, unknown> };
  });
}
