import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const deployDir = join(import.meta.dirname, '..', '..', 'deploy');
export const chartDir = join(deployDir, 'helm', 'kube-cookiemonster');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface Manifest {
  /** Relative to deploy/, e.g. `nodeexec/node-worker.yaml`. */
  file: string;
  object: K8sObject;
}

/** Parses YAML text with every document required to be a Kubernetes object; a syntax error names the source. */
export function parseObjects(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${i + 1}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value === null) return [];
    if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || typeof value.metadata?.name !== 'string') {
      throw new Error(`${source} document ${i + 1}: expected apiVersion, kind and metadata.name`);
    }
    return [value];
  });
}

/** Every manifest under deploy/ except the Helm chart. */
export function loadManifests(dir = deployDir): Manifest[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'helm') walk(path);
      } else if (/\.ya?ml$/.test(name)) files.push(path);
    }
  };
  walk(dir);
  return files.flatMap((path) => {
    const file = relative(dir, path);
    return parseObjects(readFileSync(path, 'utf8'), file).map((object) => ({ file, object }));
  });
}

export const keyOf = (o: K8sObject): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function find<T = K8sObject>(manifests: Manifest[], kind: string, name: string): T {
  const found = manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/`);
  return found.object as T;
}
