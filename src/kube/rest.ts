import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { version } from '../version.js';
import type { Connection } from './connection.js';

/**
 * JSON over HTTP to the API server: one request, no retry and no timeout of its own (request.ts adds both through
 * `signal`). A non-2xx answer throws an ApiStatusError carrying the Status body for errors.ts.
 */

export interface RestRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/default/pods`; segments already encoded. */
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  signal: AbortSignal;
}

export type Rest = <T>(request: RestRequest) => Promise<T>;

export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    /** The answer's text, normally a JSON `Status`. */
    readonly body: string,
  ) {
    super(`HTTP ${code}`);
    this.name = 'ApiStatusError';
  }
}

/** A 2xx answer that is not JSON: the server URL most likely points at something other than an API server. */
export class NotJsonAnswerError extends Error {
  constructor(readonly contentType: string) {
    super(`a ${contentType || 'no content type'} answer instead of JSON`);
    this.name = 'NotJsonAnswerError';
  }
}

const userAgent = `kube-cookiemonster/${version} (node ${process.version})`;

export interface RestOptions {
  /** Ask for gzip (the API server compresses answers from 128 KiB on); off with the kubeconfig's disable-compression. */
  gzip: boolean;
}

export function createRest(connection: Connection, { gzip }: RestOptions): Rest {
  const base = new URL(connection.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return async <T>({ method, path, query, body, signal }: RestRequest): Promise<T> => {
    signal.throwIfAborted();
    const { agent, headers } = await connection.prepare();
    const url = new URL(base);
    url.pathname = `${prefix}${path}`;
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const requestHeaders: Record<string, string | number> = { accept: 'application/json', 'user-agent': userAgent, ...headers };
    if (gzip) requestHeaders['accept-encoding'] = 'gzip';
    if (payload) Object.assign(requestHeaders, { 'content-type': 'application/json', 'content-length': payload.length });
    const { status, contentType, text } = await new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
      const req = send(url, { method, agent, headers: requestHeaders, signal }, (res) =>
        readBody(res).then((t) => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: t }), reject),
      );
      req.on('error', reject);
      req.end(payload);
    });
    if (status < 200 || status > 299) throw new ApiStatusError(status, text);
    if (text.trim() === '') return undefined as T;
    if (!/\bjson\b/i.test(contentType)) throw new NotJsonAnswerError(contentType.split(';')[0] ?? '');
    return JSON.parse(text) as T;
  };
}

/** The answer as text, gunzipped when the server compressed it; a string, not buffers, keeps peak memory down. */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    res.on('aborted', () => reject(new Error('the API server closed the connection mid-answer')));
    res.on('error', reject);
    let body: Readable = res;
    if (res.headers['content-encoding'] === 'gzip') {
      body = res.pipe(createGunzip());
      body.on('error', reject);
    }
    let text = '';
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => (text += chunk));
    body.on('end', () => resolve(text));
  });
}
