import { discovery, versionFilter } from './discovery.js';
import { parseResourcePath, verbOf, type Target } from './resources.js';
import { handleResource, type RouteContext } from './routes.js';
import type { Simulation } from './simulation.js';
import { HttpError } from './status.js';

export interface ApiRequest {
  method: string;
  url: URL;
  /** The request body as text; empty for none. */
  raw: string;
  contentType: string | undefined;
}

/** A JSON answer, or a watch to stream (only HTTP can). */
export type Answer = { code: number; body: unknown } | { watch: Target };

/** One authenticated API request, transport aside: discovery, then RBAC-lite and the resource routes. Throws HttpError. */
export function answerRequest(sim: Simulation, ctx: RouteContext, { method, url, raw, contentType }: ApiRequest): Answer {
  const found = method === 'GET' ? discovery(url.pathname, sim.kubernetesVersion) : undefined;
  if (found !== undefined) return { code: 200, body: found };
  const target = parseResourcePath(url.pathname, versionFilter(sim.kubernetesVersion));
  if (!target) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource', {});
  const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  const { info } = target;
  sim.access.check({ verb: verbOf(method, target, watch), group: info.group, resource: info.resource, subresource: target.subresource, namespace: target.namespace, name: target.name });
  if (watch && method === 'GET') return { watch: target };
  const body = raw ? parseJson(raw) : undefined;
  return handleResource(ctx, { method, target, query: url.searchParams, body, contentType });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'BadRequest', `the request body is not JSON: ${(error as Error).message}`);
  }
}
