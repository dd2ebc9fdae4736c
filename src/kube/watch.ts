import { toCookieError, type Operation } from './errors.js';
import type { Requester } from './request.js';
import { ApiStatusError } from './rest.js';
import type { RestStream } from './rest-stream.js';
import type { WatchListener, WatchOptions } from './types.js';

export interface WatchSettings extends WatchOptions {
  /** Asked of the server for each stream, which then ends it; it is reopened from the last resourceVersion. Default 290. */
  timeoutSeconds?: number | undefined;
  /** Default 5. */
  maxFailures?: number | undefined;
  /** Wait before reopening after a failure, doubled each time; also after a stream that ended without a line. Default 500. */
  backoffMs?: number | undefined;
}

/** One watched collection: where to list and watch it, and how to map its objects. */
export interface WatchTarget<T> {
  op: Omit<Operation, 'server'>;
  path: string;
  /** labelSelector, fieldSelector. */
  query: Record<string, string | undefined>;
  map(raw: unknown): T;
}

interface WireEvent {
  type?: string;
  object?: { metadata?: { resourceVersion?: string }; code?: number; message?: string; reason?: string };
}

class Gone extends Error {}

/**
 * LIST, then WATCH from the list's resourceVersion, following it through every event and bookmark: a stream the server
 * ends is reopened where it stopped, one silent for `silenceMs` is reopened as well, and 410 Gone (that version is no
 * longer kept) starts over with a LIST. A 403 or `maxFailures` failures in a row end it with `listener.failed`.
 */
export async function runWatch<T>(
  deps: { requester: Requester; stream: RestStream; server: string; pageSize: number; get: <R>(path: string, query: Record<string, string | number | undefined>, signal: AbortSignal) => Promise<R> },
  target: WatchTarget<T>,
  listener: WatchListener<T>,
  settings: WatchSettings,
): Promise<void> {
  const { signal, timer } = settings;
  const silenceMs = settings.silenceMs ?? 60_000;
  const maxFailures = settings.maxFailures ?? 5;
  const backoffMs = settings.backoffMs ?? 500;
  let version: string | undefined;
  let failures = 0;

  const list = async (): Promise<void> => {
    const objects: T[] = [];
    let next: string | undefined;
    let listVersion: string | undefined;
    do {
      const token = next;
      const page = await deps.requester.call(
        { ...target.op, verb: 'list' },
        (s) => deps.get<{ items?: unknown[]; metadata?: { continue?: string; resourceVersion?: string } }>(target.path, { ...target.query, limit: deps.pageSize, continue: token }, s),
        signal,
      );
      listVersion ??= page.metadata?.resourceVersion;
      for (const item of page.items ?? []) objects.push(target.map(item));
      next = page.metadata?.continue || undefined;
    } while (next);
    version = listVersion;
    listener.event({ type: 'SYNCED', objects });
  };

  /** Resolves with the number of lines read. */
  const watch = async (): Promise<number> => {
    const connection = new AbortController();
    const onAbort = (): void => connection.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let lines = 0;
    let silent = false;
    const watchdog = (async () => {
      for (let seen = -1; seen !== lines; ) {
        seen = lines;
        await timer.sleep(silenceMs, connection.signal).catch(() => undefined);
        if (connection.signal.aborted) return;
      }
      silent = true;
      connection.abort(new Error(`no event for ${silenceMs} ms`));
    })();
    try {
      const query = { ...target.query, watch: '1', allowWatchBookmarks: 'true', resourceVersion: version, timeoutSeconds: String(settings.timeoutSeconds ?? 290) };
      for await (const line of deps.stream({ path: target.path, query, signal: connection.signal, onOpen: () => listener.live?.() })) {
        lines++;
        const event = JSON.parse(line) as WireEvent;
        if (event.type === 'ERROR') {
          if (event.object?.code === 410) throw new Gone();
          throw new ApiStatusError(event.object?.code ?? 500, JSON.stringify(event.object ?? {}));
        }
        version = event.object?.metadata?.resourceVersion ?? version;
        failures = 0;
        if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') listener.event({ type: event.type, object: target.map(event.object) });
      }
    } catch (error) {
      // A silent stream aborted by the watchdog is reopened like one the server closed.
      if (!silent) throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      connection.abort();
      await watchdog;
    }
    return lines;
  };

  while (!signal.aborted) {
    try {
      if (version === undefined) await list();
      if ((await watch()) === 0) await timer.sleep(backoffMs, signal).catch(() => undefined);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof Gone || (error instanceof ApiStatusError && error.code === 410)) {
        version = undefined;
        continue;
      }
      const failure = toCookieError(error, { ...target.op, verb: 'watch', server: deps.server });
      failures++;
      if (failure.code === 'forbidden' || failures >= maxFailures) {
        listener.failed(failure);
        return;
      }
      await timer.sleep(backoffMs * 2 ** (failures - 1), signal).catch(() => undefined);
    }
  }
}
