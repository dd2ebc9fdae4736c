import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
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

const userAgent = `kube-cookiemonster/${version} (node ${process.version})`;

export function createRest(connection: Connection): Rest {
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
    if (payload) Object.assign(requestHeaders, { 'content-type': 'application/json', 'content-length': payload.length });
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = send(url, { method, agent, headers: requestHeaders, signal }, (res) => readBody(res).then((t) => resolve({ status: res.statusCode ?? 0, text: t }), reject));
      req.on('error', reject);
      req.end(payload);
    });
    if (status < 200 || status > 299) throw new ApiStatusError(status, text);
    if (text.trim() === '') return undefined as T;
    return JSON.parse(text) as T;
  };
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => resolve(text));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the API server closed the connection mid-answer')));
  });
}
