import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { version } from '../version.js';
import type { Connection } from './connection.js';
import { ApiStatusError } from './rest.js';

/**
 * A GET whose answer is read line by line as it arrives (a watch); the lines end when the server closes the stream.
 * `onOpen` is called once the server has answered 2xx: a watch is registered from then on.
 */
export type RestStream = (request: { path: string; query: Record<string, string | undefined>; signal: AbortSignal; onOpen?: () => void }) => AsyncIterable<string>;

const userAgent = `kube-cookiemonster/${version} (node ${process.version})`;

export function createRestStream(connection: Connection): RestStream {
  const base = new URL(connection.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return async function* ({ path, query, signal, onOpen }) {
    signal.throwIfAborted();
    const { agent, headers } = await connection.prepare();
    const url = new URL(base);
    url.pathname = `${prefix}${path}`;
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'GET', agent, headers: { accept: 'application/json', 'user-agent': userAgent, ...headers }, signal }, resolve);
      req.on('error', reject);
      req.end();
    });
    let body: Readable = res;
    if (res.headers['content-encoding'] === 'gzip') body = res.pipe(createGunzip());
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      let text = '';
      for await (const chunk of body) text += String(chunk);
      throw new ApiStatusError(status, text);
    }
    onOpen?.();
    const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
    const onAbort = (): void => {
      res.destroy();
      lines.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const line of lines) if (line.trim() !== '') yield line;
      signal.throwIfAborted();
    } finally {
      signal.removeEventListener('abort', onAbort);
      res.destroy();
    }
  };
}
