import { HttpError } from './status.js';

/** JSON merge patch (RFC 7386); strategic merge patches are treated the same way, which is enough for status. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const base = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

interface Operation {
  op: string;
  path: string;
  value?: unknown;
}

/** JSON Patch (RFC 6902): add, replace, remove and test, which is what clients send to the API server. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw new HttpError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  const doc = structuredClone(target) as Record<string, unknown>;
  for (const raw of operations as Operation[]) {
    const keys = raw.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    if (last === undefined) throw new HttpError(422, 'Invalid', `json patch: path "${raw.path}" names the whole document`);
    let parent: any = doc;
    for (const key of keys) {
      if (parent === null || typeof parent !== 'object' || !(key in parent)) {
        throw new HttpError(422, 'Invalid', `json patch ${raw.op}: path "${raw.path}" does not exist`);
      }
      parent = parent[key];
    }
    const index = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : undefined;
    switch (raw.op) {
      case 'add':
        if (Array.isArray(parent) && index !== undefined) parent.splice(index, 0, raw.value);
        else parent[last] = raw.value;
        break;
      case 'replace':
        if (!(last in parent)) throw new HttpError(422, 'Invalid', `json patch replace: path "${raw.path}" does not exist`);
        parent[last] = raw.value;
        break;
      case 'remove':
        if (!(last in parent)) throw new HttpError(422, 'Invalid', `json patch remove: path "${raw.path}" does not exist`);
        if (Array.isArray(parent) && index !== undefined) parent.splice(index, 1);
        else delete parent[last];
        break;
      case 'test':
        if (JSON.stringify(parent[last]) !== JSON.stringify(raw.value)) throw new HttpError(422, 'Invalid', `json patch test failed at "${raw.path}"`);
        break;
      default:
        throw new HttpError(422, 'Invalid', `json patch: unsupported operation "${raw.op}"`);
    }
  }
  return doc;
}

/** Applies a PATCH body according to its Content-Type. */
export function applyPatch(target: unknown, body: unknown, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0]?.trim();
  if (type === 'application/json-patch+json') return jsonPatch(target, body);
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') return mergePatch(target, body);
  throw new HttpError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got "${type}")`);
}
