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

/** One page of the matching objects, in key order as etcd returns them; `continue` resumes after the last key. */
export function paginate(
  objects: KubeObject[],
  query: URLSearchParams,
  resourceVersion: string,
): { items: KubeObject[]; continueToken: string | undefined; remaining: number | undefined; resourceVersion: string } {
  const sorted = objects.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const token = query.get('continue');
  let start = 0;
  let rv = resourceVersion;
  if (token) {
    const parsed = decodeToken(token);
    rv = parsed.rv;
    start = sorted.findIndex((o) => keyOf(o) > parsed.after);
    if (start < 0) start = sorted.length;
  }
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw new HttpError(400, 'BadRequest', `limit: expected a non-negative integer, got "${limitText}"`);
  if (limit === 0 || start + limit >= sorted.length) {
    return { items: sorted.slice(start), continueToken: undefined, remaining: undefined, resourceVersion: rv };
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const next = last ? encodeToken({ rv, after: keyOf(last) }) : undefined;
  return { items, continueToken: next, remaining: sorted.length - start - limit, resourceVersion: rv };
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
