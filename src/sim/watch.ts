import type { Clock } from '../core/clock.js';
import { matchesQuery, parseFieldSelector, parseLabelSelector } from './list.js';
import type { Target } from './resources.js';
import type { KubeObject, Store } from './store.js';

/** Where a watch's lines go: an HTTP response, or the in-process client of the tests. */
export interface WatchSink {
  write(line: string): void;
  end(): void;
}

export interface WatchTiming {
  clock: Clock;
  /** Between BOOKMARK events, when the client allows them. */
  bookmarkMs: number;
}

/**
 * `?watch=true`: JSON lines until the client goes away, `timeoutSeconds` pass or the server closes. Without a
 * resourceVersion (or "0") it starts with an ADDED event per existing object, as the real server does; with one, it
 * replays the changes after it, or answers an ERROR 410 Gone when they are no longer kept. `allowWatchBookmarks`
 * adds a BOOKMARK with the current resourceVersion every `bookmarkMs`. Returns the function that stops it.
 */
export function openWatch(store: Store, target: Target, query: URLSearchParams, sink: WatchSink, present: (o: KubeObject) => KubeObject, timing: WatchTiming): () => void {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const inScope = (resource: string, o: KubeObject): boolean =>
    resource === target.info.resource &&
    (target.namespace === undefined || o.metadata.namespace === target.namespace) &&
    (target.name === undefined || o.metadata.name === target.name) &&
    matchesQuery(o, labels, fields);
  const send = (type: string, object: unknown): void => sink.write(`${JSON.stringify({ type, object })}\n`);
  store.keepHistory();
  const since = query.get('resourceVersion');
  if (!since || since === '0') {
    for (const object of store.list(target.info.resource, target.namespace)) if (inScope(target.info.resource, object)) send('ADDED', present(object));
  } else {
    const changes = store.changesSince(Number(since));
    if (!changes) {
      send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${since} (${store.resourceVersion})` });
      sink.end();
      return () => undefined;
    }
    for (const change of changes) if (inScope(change.resource, change.object)) send(change.type, present(change.object));
  }
  const unsubscribe = store.on((type, resource, object) => {
    if (inScope(resource, object)) send(type, present(object));
  });
  const stopper = new AbortController();
  const stop = (): void => {
    if (stopper.signal.aborted) return;
    unsubscribe();
    stopper.abort();
  };
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) {
    timing.clock.sleep(timeoutSeconds * 1000, stopper.signal).then(() => {
      stop();
      sink.end();
    }, () => undefined);
  }
  if (query.get('allowWatchBookmarks') === 'true') {
    const bookmark = { kind: target.info.kind, apiVersion: target.apiVersion };
    void (async () => {
      while (!stopper.signal.aborted) {
        await timing.clock.sleep(timing.bookmarkMs, stopper.signal).catch(() => undefined);
        if (!stopper.signal.aborted) send('BOOKMARK', { ...bookmark, metadata: { resourceVersion: store.resourceVersion } });
      }
    })();
  }
  return stop;
}
