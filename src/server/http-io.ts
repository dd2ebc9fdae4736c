import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError, isCookieError, type ErrorCode } from '../errors.js';

/** A request we refuse, answered as plain text on the original routes and as `{code, message, hint}` on /api/v2. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new HttpError(413, 'invalid-request', `request body: expected at most ${limitBytes} bytes, got more`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

export function sendJsonError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, { code: error.code, message: error.message, ...(error.hint !== undefined && { hint: error.hint }) }, headers);
}

export function requireMethod(req: IncomingMessage, ...allowed: string[]): void {
  if (!allowed.includes(req.method ?? 'GET')) {
    throw new HttpError(405, 'invalid-request', `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}: expected ${allowed.join(' or ')}`);
  }
}

const statusOf: Partial<Record<ErrorCode, number>> = { usage: 400, 'config-invalid': 400, 'invalid-request': 400, 'not-found': 404, conflict: 409, unauthorized: 401, forbidden: 403 };

/** Any error as the HTTP answer it deserves: a CookieError by its code, anything else a 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isCookieError(error)) return new HttpError(statusOf[error.code] ?? 500, error.code, error.message, error.hint);
  return new HttpError(500, 'internal', `internal error: ${describeError(error)}`);
}
