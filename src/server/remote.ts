import { CookieError, type ErrorCode } from '../errors.js';
import { longTimeoutSignal } from '../long-timeout.js';

/** The job JSON of /api/v2 as the CLI client reads it. */
export interface RemoteJob {
  id: string;
  name: string;
  group: 'killpod' | 'nodeexec';
  state: 'running' | 'stopping' | 'finished';
  dryRun: boolean;
  seed: number;
  startedAt: string;
  stoppedAt: string | null;
  cookies: { name: string; group: string; target: string }[];
  kills: number;
  skips: number;
  errors: number;
  outcome: string | null;
  exitCode: number | null;
  problems: string[];
}

export interface StartJobBody {
  cookie: string;
  name?: string | undefined;
  dryRun?: boolean | undefined;
  chaosDuration?: string | undefined;
  maxRecovery?: string | undefined;
}

const codeOf: Record<number, ErrorCode> = { 400: 'usage', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'conflict' };

/** A small client of a `cookiemonster serve` for pipeline steps; errors are CookieErrors naming the server. */
export function createRemote(baseUrl: string, token: string | undefined, fetchImpl: typeof fetch = fetch) {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new CookieError('usage', `--server: expected a URL like "http://cookiemonster.example:30003", got ${JSON.stringify(baseUrl)}`);
  }
  const origin = base.origin;

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000): Promise<string> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    const timeout = longTimeoutSignal(timeoutMs);
    try {
      response = await fetchImpl(new URL(path, base), {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: timeout.signal,
      });
    } catch (error) {
      timeout.clear();
      const e = error as { name?: string; cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : (e.cause?.code ?? e.cause?.message ?? (error as Error).message);
      throw new CookieError('cluster-unreachable', `cannot reach the cookiemonster server at ${origin}: ${why}`, {
        hint: 'is `cookiemonster serve` running there (in the cluster: NodePort 30003)?',
      });
    }
    const text = await response.text().finally(timeout.clear);
    if (response.ok) return text;
    let reply: { code?: string; message?: string; hint?: string } = {};
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      reply = { message: text.trim() };
    }
    const hint = response.status === 401 ? 'give the server token with --token-file FILE or $KCM_SERVER_TOKEN' : reply.hint;
    throw new CookieError(codeOf[response.status] ?? 'server-error', `${origin}: ${reply.message ?? `HTTP ${response.status}`}`, { hint, details: { status: response.status } });
  };

  const jobPath = (job: string): string => `api/v2/jobs/${encodeURIComponent(job)}`;
  return {
    origin,
    start: async (body: StartJobBody): Promise<RemoteJob> => JSON.parse(await call('POST', 'api/v2/jobs', body)) as RemoteJob,
    /** Waits (up to `timeoutMs`) until recovery has been measured, unless `wait` is false. */
    stop: async (job: string, wait: boolean, timeoutMs: number): Promise<RemoteJob> =>
      JSON.parse(await call('POST', `${jobPath(job)}/stop${wait ? '?wait=true' : ''}`, undefined, timeoutMs)) as RemoteJob,
    job: async (job: string): Promise<RemoteJob> => JSON.parse(await call('GET', jobPath(job))) as RemoteJob,
    jobs: async (): Promise<RemoteJob[]> => (JSON.parse(await call('GET', 'api/v2/jobs')) as { jobs: RemoteJob[] }).jobs,
    junit: (job: string): Promise<string> => call('GET', `${jobPath(job)}/junit`),
    log: (job: string): Promise<string> => call('GET', `${jobPath(job)}/log`),
  };
}

/** `killpod/NAME` or `nodeexec/NAME` → NAME (the server finds jobs by id or name). */
export function jobKey(ref: string): string {
  const match = /^(killpod|nodeexec)\/(.+)$/.exec(ref);
  return match?.[2] ?? ref;
}
