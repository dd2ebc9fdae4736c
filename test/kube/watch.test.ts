import { describe, expect, it } from 'vitest';
import { createRequester } from '../../src/kube/request.js';
import { ApiStatusError } from '../../src/kube/rest.js';
import type { RestStream } from '../../src/kube/rest-stream.js';
import type { WatchEvent } from '../../src/kube/types.js';
import { runWatch } from '../../src/kube/watch.js';
import { createFakeClock, flushPromises } from '../helpers/fake-clock.js';

interface Item {
  name: string;
  rv: string;
}
const item = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });
const line = (type: string, object: unknown) => JSON.stringify({ type, object });

/**
 * A scripted API server: each LIST answers the next of `lists`, each WATCH plays the next of `streams` (lines, then
 * 'end' to close, 'hang' to stay open and silent, or an error to throw). Records what was asked.
 */
function scripted(lists: { items: unknown[]; rv: string }[], streams: (string[] | Error)[]) {
  const asked: string[] = [];
  const get = async <R>(path: string, query: Record<string, string | number | undefined>): Promise<R> => {
    asked.push(`LIST ${path}`);
    const next = lists.shift();
    if (!next) throw new Error('no more lists scripted');
    return { items: next.items, metadata: { resourceVersion: next.rv } } as R;
  };
  const stream: RestStream = async function* ({ query, signal }) {
    asked.push(`WATCH rv=${query['resourceVersion']} bookmarks=${query['allowWatchBookmarks']}`);
    const next = streams.shift();
    if (!next) {
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      return;
    }
    if (next instanceof Error) throw next;
    for (const l of next) {
      if (l === 'hang') {
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      }
      yield l;
    }
  };
  const requester = createRequester({ server: 'https://k', requestTimeoutMs: 60_000, retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } });
  return { asked, deps: { requester, stream, server: 'https://k', pageSize: 500, get } };
}

function watchScripted(lists: { items: unknown[]; rv: string }[], streams: (string[] | Error)[]) {
  const clock = createFakeClock(0);
  const { asked, deps } = scripted(lists, streams);
  const events: WatchEvent<Item>[] = [];
  const failures: unknown[] = [];
  const stopper = new AbortController();
  const map = (raw: unknown): Item => {
    const m = (raw as ReturnType<typeof item>).metadata;
    return { name: m.name, rv: m.resourceVersion };
  };
  const done = runWatch(
    deps,
    { op: { verb: 'watch', resource: 'pods', namespace: 'ns' }, path: '/api/v1/namespaces/ns/pods', query: {}, map },
    { event: (e) => events.push(e), failed: (e) => failures.push(e) },
    { signal: stopper.signal, timer: clock, silenceMs: 5_000, backoffMs: 100, maxFailures: 3 },
  );
  return { clock, asked, events, failures, stop: async () => (stopper.abort(), await done), done };
}

describe('runWatch: LIST then WATCH, following the resourceVersion', () => {
  it('lists once, then resumes a closed stream from the last event or bookmark, without listing again', async () => {
    const w = watchScripted(
      [{ items: [item('a', '5')], rv: '10' }],
      [[line('ADDED', item('b', '11')), line('BOOKMARK', item('', '15'))], [line('DELETED', item('a', '16'))]],
    );
    await flushPromises();
    await w.clock.advance(100);
    await w.clock.advance(100);
    expect(w.asked).toEqual(['LIST /api/v1/namespaces/ns/pods', 'WATCH rv=10 bookmarks=true', 'WATCH rv=15 bookmarks=true', 'WATCH rv=16 bookmarks=true']);
    expect(w.events).toEqual([
      { type: 'SYNCED', objects: [{ name: 'a', rv: '5' }] },
      { type: 'ADDED', object: { name: 'b', rv: '11' } },
      { type: 'DELETED', object: { name: 'a', rv: '16' } },
    ]);
    await w.stop();
    expect(w.failures).toEqual([]);
  });

  it('410 Gone (as an ERROR event or as the answer) lists again', async () => {
    const gone = line('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    const w = watchScripted(
      [
        { items: [], rv: '10' },
        { items: [item('x', '40')], rv: '41' },
        { items: [item('y', '50')], rv: '51' },
      ],
      [[gone], new ApiStatusError(410, '{"code":410}')],
    );
    await flushPromises();
    await w.clock.advance(0);
    expect(w.asked).toEqual(['LIST /api/v1/namespaces/ns/pods', 'WATCH rv=10 bookmarks=true', 'LIST /api/v1/namespaces/ns/pods', 'WATCH rv=41 bookmarks=true', 'LIST /api/v1/namespaces/ns/pods', 'WATCH rv=51 bookmarks=true']);
    expect(w.events.filter((e) => e.type === 'SYNCED')).toHaveLength(3);
    await w.stop();
  });

  it('a stream silent for silenceMs is reopened from where it was', async () => {
    const w = watchScripted([{ items: [], rv: '10' }], [[line('MODIFIED', item('a', '12')), 'hang']]);
    await flushPromises();
    expect(w.asked).toHaveLength(2);
    await w.clock.advance(9_999);
    expect(w.asked).toHaveLength(2);
    await w.clock.advance(1);
    expect(w.asked).toEqual(['LIST /api/v1/namespaces/ns/pods', 'WATCH rv=10 bookmarks=true', 'WATCH rv=12 bookmarks=true']);
    await w.stop();
    expect(w.failures).toEqual([]);
  });

  it('403 gives up at once; other failures after maxFailures in a row', async () => {
    const forbidden = watchScripted([{ items: [], rv: '10' }], [new ApiStatusError(403, '{"code":403,"reason":"Forbidden","message":"pods is forbidden"}')]);
    await forbidden.done;
    expect(forbidden.failures).toEqual([expect.objectContaining({ code: 'forbidden' })]);

    const broken = () => new ApiStatusError(500, '{"code":500,"message":"boom"}');
    const flaky = watchScripted([{ items: [], rv: '10' }], [broken(), broken(), broken()]);
    await flushPromises();
    await flaky.clock.advance(100);
    expect(flaky.failures).toEqual([]);
    await flaky.clock.advance(200);
    await flaky.done;
    expect(flaky.failures).toHaveLength(1);
    expect(flaky.asked.filter((a) => a.startsWith('WATCH'))).toHaveLength(3);
  });
});
