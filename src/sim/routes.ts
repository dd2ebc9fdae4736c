import type { AccessControl } from './access.js';
import { matchesQuery, paginate, parseFieldSelector, parseLabelSelector } from './list.js';
import { applyPatch } from './patch.js';
import { withBudgetStatus } from './pdb.js';
import { deletePod, evictPod, isDryRun, type RemovalContext } from './pod-removal.js';
import type { Target } from './resources.js';
import type { KubeObject, NewObject } from './store.js';
import { HttpError, notFound } from './status.js';

/** CRUD on the served resources, with the semantics a client notices. */
export interface RouteContext extends RemovalContext {
  access: AccessControl;
}

export interface RouteRequest {
  method: string;
  target: Target;
  query: URLSearchParams;
  body: unknown;
  contentType: string | undefined;
}

export interface RouteResponse {
  code: number;
  body: unknown;
}

export function handleResource(ctx: RouteContext, req: RouteRequest): RouteResponse {
  const { target, method } = req;
  const resource = target.info.resource;
  const namespace = target.namespace ?? '';
  if (resource === 'selfsubjectaccessreviews') return accessReview(ctx, req);
  if (target.subresource === 'eviction') {
    if (method !== 'POST') throw methodNotAllowed(method);
    return { code: 201, body: evictPod(ctx, namespace, target.name ?? '', req.query, req.body as never) };
  }
  if (target.name === undefined) {
    if (method === 'GET') return { code: 200, body: list(ctx, target, req.query) };
    if (method === 'POST') return { code: 201, body: create(ctx, target, req) };
    throw methodNotAllowed(method);
  }
  const existing = ctx.store.get(resource, namespace, target.name);
  if (!existing) throw notFound(resource, target.name, target.info.group);
  switch (method) {
    case 'GET':
      return { code: 200, body: present(ctx, target, existing) };
    case 'DELETE':
      if (resource === 'pods') return { code: 200, body: deletePod(ctx, namespace, target.name, req.query, req.body as never) };
      return { code: 200, body: isDryRun(req.query, req.body as never) ? existing : removeWithDependents(ctx, resource, existing) };
    case 'PUT':
    case 'PATCH': {
      const input = method === 'PUT' ? req.body : applyPatch(target.subresource === 'status' ? { status: existing.status } : existing, req.body, req.contentType);
      return { code: 200, body: present(ctx, target, replace(ctx, target, existing, input as KubeObject, isDryRun(req.query, undefined))) };
    }
    default:
      throw methodNotAllowed(method);
  }
}

const methodNotAllowed = (method: string): HttpError => new HttpError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

/** An object as served under the requested version (PDBs are stored once for policy/v1 and v1beta1). */
function present(ctx: RouteContext, target: Target, object: KubeObject): KubeObject {
  const shown = target.info.resource === 'poddisruptionbudgets' ? withBudgetStatus(ctx.store, object) : object;
  return shown.apiVersion === target.apiVersion ? shown : { ...shown, apiVersion: target.apiVersion };
}

function list(ctx: RouteContext, target: Target, query: URLSearchParams): unknown {
  // A client may watch from this list's resourceVersion: from now on, changes are kept to resume from.
  ctx.store.keepHistory();
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const sorted = ctx.store.listSorted(target.info.resource, target.namespace);
  const page = paginate(sorted, (o) => matchesQuery(o, labels, fields), labels !== undefined || fields.length > 0, query, ctx.store.resourceVersion);
  const metadata: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continueToken) metadata['continue'] = page.continueToken;
  if (page.remaining !== undefined) metadata['remainingItemCount'] = page.remaining;
  return { kind: `${target.info.kind}List`, apiVersion: target.apiVersion, metadata, items: page.items.map((o) => present(ctx, target, o)) };
}

function create(ctx: RouteContext, target: Target, req: RouteRequest): KubeObject {
  const body = req.body as KubeObject | undefined;
  if (!body || typeof body !== 'object' || typeof body.metadata !== 'object') {
    throw new HttpError(400, 'BadRequest', `the body of a create must be a ${target.info.kind} object with metadata`);
  }
  if (target.namespace !== undefined) {
    if (body.metadata.namespace && body.metadata.namespace !== target.namespace) {
      throw new HttpError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    if (!ctx.store.get('namespaces', '', target.namespace)) throw notFound('namespaces', target.namespace);
  }
  const { uid: _uid, resourceVersion: _rv, ...metadata } = body.metadata;
  const object: NewObject = { ...body, apiVersion: target.apiVersion, kind: target.info.kind, metadata: { ...metadata, namespace: target.namespace } };
  if (['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'poddisruptionbudgets'].includes(target.info.resource)) object.metadata.generation = 1;
  return ctx.store.create(target.info.resource, object, isDryRun(req.query, undefined));
}

function replace(ctx: RouteContext, target: Target, existing: KubeObject, input: KubeObject | undefined, dryRun: boolean): KubeObject {
  if (!input || typeof input !== 'object') throw new HttpError(400, 'BadRequest', 'the request body must be an object');
  const next: KubeObject =
    target.subresource === 'status'
      ? { ...existing, status: input.status, metadata: { ...existing.metadata } }
      : { ...existing, ...input, status: existing.status, metadata: { ...existing.metadata, ...(input.metadata ?? {}) } };
  next.metadata.uid = existing.metadata.uid;
  next.metadata.name = existing.metadata.name;
  next.metadata.creationTimestamp = existing.metadata.creationTimestamp;
  if (existing.metadata.namespace !== undefined) next.metadata.namespace = existing.metadata.namespace;
  if (target.subresource !== 'status' && existing.metadata.generation !== undefined && JSON.stringify(next.spec) !== JSON.stringify(existing.spec)) {
    next.metadata.generation = existing.metadata.generation + 1;
  }
  if (dryRun) return next;
  return ctx.store.update(target.info.resource, next);
}

/** Deletes an object and, as the garbage collector would, everything it controls. */
function removeWithDependents(ctx: RouteContext, resource: string, object: KubeObject): KubeObject {
  const namespace = object.metadata.namespace ?? '';
  ctx.store.remove(resource, namespace, object.metadata.name);
  for (const dependentResource of ['replicasets', 'pods']) {
    for (const dependent of ctx.store.list(dependentResource, namespace)) {
      if (dependent.metadata.ownerReferences?.some((o) => o.controller && o.uid === object.metadata.uid)) removeWithDependents(ctx, dependentResource, dependent);
    }
  }
  return object;
}

function accessReview(ctx: RouteContext, req: RouteRequest): RouteResponse {
  if (req.method !== 'POST') throw methodNotAllowed(req.method);
  const body = (req.body ?? {}) as { spec?: { resourceAttributes?: Record<string, string | undefined> } };
  const attrs = body.spec?.resourceAttributes ?? {};
  const allowed = ctx.access.allows({
    verb: attrs['verb'] ?? '',
    group: attrs['group'] ?? '',
    resource: attrs['resource'] ?? '',
    subresource: attrs['subresource'] || undefined,
    namespace: attrs['namespace'] || undefined,
  });
  return {
    code: 201,
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: body.spec ?? {}, status: allowed ? { allowed: true } : { allowed: false, reason: 'forbidden by the simulated RBAC' } },
  };
}
