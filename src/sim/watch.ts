import type { ServerResponse } from 'node:http';
import { matchesQuery, parseFieldSelector, parseLabelSelector } from './list.js';
import type { Target } from './resources.js';
import type { KubeObject, Store } from './store.js';

/**
 * `?watch=true`: a stream of JSON lines that stays open until the client goes away or the server closes. Without a
 * resourceVersion it starts with an ADDED event per existing object, as the real server does.
 */
export function serveWatch(store: Store, target: Target, query: URLSearchParams, res: ServerResponse, present: (o: KubeObject) => KubeObject): () => void {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const inScope = (o: KubeObject): boolean =>
    (target.namespace === undefined || o.metadata.namespace === target.namespace) &&
    (target.name === undefined || o.metadata.name === target.name) &&
    matchesQuery(o, labels, fields);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  const send = (type: string, object: KubeObject): void => {
    res.write(`${JSON.stringify({ type, object: present(object) })}\n`);
  };
  const since = query.get('resourceVersion');
  if (!since || since === '0') {
    for (const object of store.list(target.info.resource, target.namespace)) if (inScope(object)) send('ADDED', object);
  }
  const unsubscribe = store.on((type, resource, object) => {
    if (resource === target.info.resource && inScope(object)) send(type, object);
  });
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
  const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
  const stop = (): void => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
  res.on('close', stop);
  return stop;
}
