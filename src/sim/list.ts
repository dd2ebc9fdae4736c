import { parseLabelSelectorQuery, type LabelTest } from './selector.js';
import type { KubeObject } from './store.js';
import { HttpError } from './status.js';

/** List semantics: labelSelector, fieldSelector, limit + continue, resourceVersion. */

type FieldTest = (object: KubeObject) => boolean;

const fieldReaders: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'status.phase': (o) => o.status?.phase,
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
};

export function parseLabelSelector(text: string | null): LabelTest | undefined {
  return text ? parseLabelSelectorQuery(text) : undefined;
}

export function parseFieldSelector(text: string | null): FieldTest[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const match = /^\s*([a-zA-Z.]+)\s*(==|!=|=)\s*([^\s]*)\s*$/.exec(part);
    const read = match ? fieldReaders[match[1] ?? ''] : undefined;
    if (!match || !read) {
      throw new HttpError(400, 'BadRequest', `"${part.trim()}" is not a known field selector: only "${Object.keys(fieldReaders).join('", "')}"`);
    }
    const value = match[3] ?? '';
    return match[2] === '!=' ? (o: KubeObject) => read(o) !== value : (o: KubeObject) => read(o) === value;
  });
}

export function matchesQuery(object: KubeObject, labels: LabelTest | undefined, fields: FieldTest[]): boolean {
  if (labels && !labels(object.metadata.labels ?? {})) return false;
  return fields.every((test) => test(object));
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

interface ContinueToken {
  rv: string;
  after: string;
}

/**
 * One page of the matching objects of a key-ordered list, as etcd returns them; `continue` resumes after the last key.
 * Like the API server, `remainingItemCount` is left out when a selector filters the list.
 */
export function paginate(
  sorted: readonly { key: string; object: KubeObject }[],
  matches: (object: KubeObject) => boolean,
  selective: boolean,
  query: URLSearchParams,
  resourceVersion: string,
): { items: KubeObject[]; continueToken: string | undefined; remaining: number | undefined; resourceVersion: string } {
  const token = query.get('continue');
  const parsed = token ? decodeToken(token) : undefined;
  const rv = parsed?.rv ?? resourceVersion;
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw new HttpError(400, 'BadRequest', `limit: expected a non-negative integer, got "${limitText}"`);
  const items: KubeObject[] = [];
  let i = parsed ? firstAfter(sorted, parsed.after) : 0;
  for (; i < sorted.length; i++) {
    const entry = sorted[i] as { key: string; object: KubeObject };
    if (!matches(entry.object)) continue;
    if (limit > 0 && items.length === limit) break;
    items.push(entry.object);
  }
  if (i >= sorted.length) return { items, continueToken: undefined, remaining: undefined, resourceVersion: rv };
  const last = items[items.length - 1];
  const next = last ? encodeToken({ rv, after: keyOf(last) }) : undefined;
  return { items, continueToken: next, remaining: selective ? undefined : sorted.length - i, resourceVersion: rv };
}

/** Index of the first entry whose key sorts after `key` (binary search). */
function firstAfter(sorted: readonly { key: string }[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as { key: string }).key <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function encodeToken(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): ContinueToken {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof value.rv === 'string' && typeof value.after === 'string') return value;
  } catch {
    // fall through to the error below
  }
  throw new HttpError(400, 'BadRequest', 'continue key is not valid: illegal base64 data or unknown format');
}
