import type { Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { HttpError } from './status.js';

/** Objects are kept in their JSON wire form, so serving them is just JSON.stringify. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // Wire objects are loosely typed on purpose: each route reads the few fields it needs.
  spec?: any;
  status?: any;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type StoreListener = (type: WatchEventType, resource: string, object: KubeObject) => void;

/** A new object before the store stamps uid, resourceVersion and creationTimestamp. */
export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: Partial<ObjectMeta>;
  spec?: any;
  status?: any;
  [field: string]: unknown;
}

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** In-memory objects by resource, namespace ('' for cluster-scoped) and name; every write bumps resourceVersion. */
export class Store {
  private rv = 1;
  private readonly sortedCache = new Map<string, { rv: number; entries: { key: string; object: KubeObject }[] }>();
  private readonly data = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly listeners = new Set<StoreListener>();
  private journal: { rv: number; type: WatchEventType; resource: string; object: KubeObject }[] | undefined;
  private journalFrom = 0;
  private journalSize = 0;

  constructor(
    readonly clock: Clock,
    private readonly rng: Rng,
  ) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** A 5-character suffix like the API server's generateName, deterministic for a given seed. */
  randomSuffix(length = 5): string {
    let out = '';
    for (let i = 0; i < length; i++) out += nameAlphabet[Math.floor(this.rng() * nameAlphabet.length)] ?? 'x';
    return out;
  }

  private uid(): string {
    const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(this.rng() * 16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  }

  now(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.data.get(resource)?.get(namespace)?.get(name);
  }

  /** Objects of `resource` in `namespace`, or in every namespace when undefined. */
  /** `list` in key order (namespace/name, as etcd returns a list), kept until the next write. */
  listSorted(resource: string, namespace?: string): readonly { key: string; object: KubeObject }[] {
    const cacheKey = `${resource}\u0000${namespace ?? '\u0000'}`;
    const cached = this.sortedCache.get(cacheKey);
    if (cached && cached.rv === this.rv) return cached.entries;
    const entries = this.list(resource, namespace).map((object) => ({ key: `${object.metadata.namespace ?? ''}/${object.metadata.name}`, object }));
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.sortedCache.set(cacheKey, { rv: this.rv, entries });
    return entries;
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const byNs = this.data.get(resource);
    if (!byNs) return [];
    if (namespace !== undefined) return [...(byNs.get(namespace)?.values() ?? [])];
    return [...byNs.values()].flatMap((m) => [...m.values()]);
  }

  /** Stores a new object; 409 AlreadyExists when the name is taken. `dryRun` validates and stores nothing. */
  create(resource: string, input: NewObject, dryRun = false): KubeObject {
    const namespace = input.metadata.namespace ?? '';
    let name = input.metadata.name;
    if (!name && input.metadata.generateName) {
      do name = `${input.metadata.generateName}${this.randomSuffix()}`;
      while (this.get(resource, namespace, name));
    }
    if (!name) throw new HttpError(422, 'Invalid', `${input.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: resource });
    if (this.get(resource, namespace, name)) {
      throw new HttpError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });
    }
    const object: KubeObject = {
      ...input,
      metadata: {
        ...input.metadata,
        name,
        uid: input.metadata.uid ?? this.uid(),
        resourceVersion: String(dryRun ? this.rv : ++this.rv),
        creationTimestamp: input.metadata.creationTimestamp ?? this.now(),
      },
    };
    if (!namespace) delete object.metadata.namespace;
    if (dryRun) return object;
    let byNs = this.data.get(resource);
    if (!byNs) this.data.set(resource, (byNs = new Map()));
    let byName = byNs.get(namespace);
    if (!byName) byNs.set(namespace, (byName = new Map()));
    byName.set(name, object);
    this.emit('ADDED', resource, object);
    return object;
  }

  /** Replaces a stored object (same namespace and name) and bumps its resourceVersion. */
  update(resource: string, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? '';
    const byName = this.data.get(resource)?.get(namespace);
    if (!byName?.has(object.metadata.name)) {
      throw new HttpError(404, 'NotFound', `${resource} "${object.metadata.name}" not found`, { name: object.metadata.name, kind: resource });
    }
    object.metadata.resourceVersion = String(++this.rv);
    byName.set(object.metadata.name, object);
    this.emit('MODIFIED', resource, object);
    return object;
  }

  remove(resource: string, namespace: string, name: string): KubeObject | undefined {
    const byName = this.data.get(resource)?.get(namespace);
    const object = byName?.get(name);
    if (!byName || !object) return undefined;
    byName.delete(name);
    object.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', resource, object);
    return object;
  }

  /**
   * From now on, keeps the last `size` changes (as they were), so a watch can resume from a resourceVersion; one older
   * than the oldest kept change is answered 410 Gone, as etcd's compaction makes the API server do.
   */
  keepHistory(size = 5_000): void {
    this.journalSize = Math.max(this.journalSize, size);
    if (this.journal) return;
    this.journal = [];
    this.journalFrom = this.rv;
  }

  /** Changes after `rv`, or undefined when they are no longer all kept. */
  changesSince(rv: number): { type: WatchEventType; resource: string; object: KubeObject }[] | undefined {
    if (!this.journal || rv < this.journalFrom) return undefined;
    return this.journal.filter((change) => change.rv > rv);
  }

  on(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(type: WatchEventType, resource: string, object: KubeObject): void {
    if (this.journal) {
      this.journal.push({ rv: Number(object.metadata.resourceVersion), type, resource, object: structuredClone(object) });
      if (this.journal.length > this.journalSize) this.journalFrom = this.journal.shift()?.rv ?? this.journalFrom;
    }
    for (const listener of this.listeners) listener(type, resource, object);
  }
}
