import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server whose health a test switches: `up` answers 200, `down` 503, `closed` refuses connections. */
export interface HttpTarget {
  url: string;
  requests: number;
  set(state: 'up' | 'down'): void;
  /** Resolves once `n` requests have been answered. */
  answered(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpTarget(initial: 'up' | 'down' = 'up', plan?: (request: number) => 'up' | 'down'): Promise<HttpTarget> {
  let state = initial;
  const waiters: { n: number; resolve: () => void }[] = [];
  const target = { requests: 0 } as HttpTarget;
  const server: Server = createServer((_, res) => {
    target.requests++;
    const now = plan ? plan(target.requests) : state;
    res.writeHead(now === 'up' ? 200 : 503, { 'content-type': 'text/plain' }).end(now === 'up' ? 'ok\n' : 'down\n');
    for (const w of waiters.filter((w) => target.requests >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(target, {
    url: `http://127.0.0.1:${port}/healthz`,
    set: (next: 'up' | 'down') => void (state = next),
    answered: (n: number) => (target.requests >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
