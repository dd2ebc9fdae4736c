import { apiV2Route } from './api-v2.js';
import { HttpError } from './http-io.js';
import { generationOneRoute, generationTwoRoute } from './legacy-routes.js';
import type { Route } from './route.js';

/**
 * The request path as the router sees it: split on "/", empty segments (double and trailing slashes) dropped, each
 * segment percent-decoded once. Dot segments were already resolved by the URL parser.
 */
export function routeSegments(pathname: string): string[] {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'invalid-request', `invalid URL path ${pathname}`);
  }
}

/** The one route a request dispatches to, or undefined (404, nothing done). */
export function resolveRoute(method: string, segments: readonly string[]): Route | undefined {
  return apiV2Route(method, segments) ?? generationTwoRoute(segments) ?? generationOneRoute(segments);
}

/** Errors of /api/v2 and /api/v1/config are JSON; every other route answers plain text as the original did. */
export function answersJson(segments: readonly string[]): boolean {
  const [first, second, third] = segments;
  return first === 'api' && (second === 'v2' || (second === 'v1' && third === 'config'));
}
