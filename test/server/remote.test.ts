import { describe, expect, it } from 'vitest';
import { createRemote } from '../../src/server/remote.js';

describe('createRemote', () => {
  it('a stop timeout longer than setTimeout can wait (600h) lets a late answer arrive', async () => {
    const job = { id: 'a-1', name: 'a', state: 'finished' };
    const lateAnswer: typeof fetch = (_url, init) =>
      new Promise((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
        setTimeout(() => resolve(new Response(JSON.stringify(job), { status: 200, headers: { 'content-type': 'application/json' } })), 50);
      });
    const remote = createRemote('http://127.0.0.1:1', undefined, lateAnswer);
    expect(await remote.stop('a', true, 600 * 3_600_000)).toMatchObject(job);
  });

  it('still gives up after a short stop timeout, naming it', async () => {
    const never: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
    const remote = createRemote('http://127.0.0.1:1', undefined, never);
    await expect(remote.stop('a', true, 100)).rejects.toMatchObject({ code: 'cluster-unreachable', message: 'cannot reach the cookiemonster server at http://127.0.0.1:1: no answer within 0.1s' });
  });
});
