import { CookieError, isCookieError, type ErrorCode } from '../errors.js';
import { ProxyTunnelError } from './proxy.js';
import { NotJsonAnswerError } from './rest.js';

/**
 * Maps what a request throws (an HTTP error answer with its Status body, errno codes, aborts) to a CookieError with a
 * one-line message and a hint. Duck-typed, so the exec client's errors map too. Never prints response headers.
 */

/** What we were doing when the error happened, for the message. */
export interface Operation {
  server: string;
  verb: string;
  /** Plural resource, with subresource: `pods`, `pods/eviction`, `deployments`. */
  resource: string;
  /** API group: '' for core, `apps`, `policy`, … */
  group?: string;
  namespace?: string;
  name?: string;
}

/** The parts of a Kubernetes `Status` we read. */
export interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export const rbacHint = 'the example RBAC is deploy/rbac.yaml';

/** Reads the Status out of an ApiException body (raw JSON text, an object, or undefined). */
export function parseStatusBody(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      // Not a Status: a proxy's or web server's page. Its first line, bounded, is enough to tell which.
      const first = body.trim().split('\n')[0] ?? '';
      return first ? { message: first.length > 200 ? `${first.slice(0, 200)}…` : first } : undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  return value as KubeStatus;
}

export function describeOperation(op: Operation): string {
  const target = op.name ? `${op.resource} "${op.name}"` : op.resource;
  return op.namespace ? `${op.verb} ${target} in namespace "${op.namespace}"` : `${op.verb} ${target}`;
}

/** `pods "x" in namespace "y"` or `nodes` — what a message names. */
function subject(op: Operation): string {
  const target = op.name ? `${op.resource} "${op.name}"` : op.resource;
  return op.namespace ? `${target} in namespace "${op.namespace}"` : target;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** Is this a 429 from an eviction refused by a PodDisruptionBudget? */
export function isDisruptionBudgetRefusal(code: number, status: KubeStatus | undefined): boolean {
  if (code !== 429) return false;
  if (status?.details?.causes?.some((c) => c.reason === 'DisruptionBudget')) return true;
  return /disruption budget/i.test(status?.message ?? '');
}

/** An HTTP error status (from an ApiException) as a CookieError. */
export function fromHttpStatus(code: number, body: unknown, op: Operation): CookieError {
  const status = parseStatusBody(body);
  const serverMessage = oneLine(status?.message ?? '');
  const details = {
    status: code,
    reason: status?.reason,
    serverMessage,
    statusName: status?.details?.name,
    operation: describeOperation(op),
    server: op.server,
  };
  const make = (errorCode: ErrorCode, message: string, hint: string | undefined, retryable = false): CookieError =>
    new CookieError(errorCode, message, { hint, details: { ...details, retryable } });

  if (isDisruptionBudgetRefusal(code, status)) {
    const cause = status?.details?.causes?.find((c) => c.reason === 'DisruptionBudget')?.message;
    return make('disruption-budget', `disruption budget: cannot evict ${subject({ ...op, resource: op.resource.replace(/\/.*/, '') })}${cause ? `: ${oneLine(cause)}` : ''}`, 'a PodDisruptionBudget protects this pod; the eviction is refused until enough pods are healthy');
  }
  switch (code) {
    case 401:
      return make('unauthorized', `unauthorized: the API server at ${op.server} rejected our credentials (HTTP 401) to ${describeOperation(op)}`, 'check the user of your kubeconfig context: is the token or certificate still valid? (`kubectl get --raw /version`)');
    case 403:
      return forbidden(op, serverMessage, details);
    case 404:
      return make('not-found', op.name ? `not found: ${subject(op)}` : `not found: ${op.resource}${op.namespace ? ` in namespace "${op.namespace}"` : ''}${serverMessage ? ` (${serverMessage})` : ''}`,
        op.name ? undefined : 'this API may not be served by this server version (`kubectl api-resources`)');
    case 409:
      return make('conflict', `conflict: ${describeOperation(op)}: ${serverMessage || 'the object changed'}`, 'the object was replaced or changed meanwhile (a pod with the same name but a new uid is not touched)');
    case 400:
    case 422:
      return make('invalid-request', `invalid request (HTTP ${code}): ${describeOperation(op)}: ${serverMessage || 'rejected by the API server'}`, undefined);
    case 429:
      return make('server-error', `too many requests: the API server at ${op.server} throttled ${describeOperation(op)} (HTTP 429)`, 'the API server is overloaded or rate-limits this client; lower the kill rate', true);
    default:
      if (code >= 500) {
        return make('server-error', `server error: the API server at ${op.server} answered HTTP ${code} to ${describeOperation(op)}${serverMessage ? `: ${serverMessage}` : ''}`, 'check the health of the control plane (`kubectl get --raw /readyz`)', true);
      }
      return make('invalid-request', `unexpected HTTP ${code} from the API server at ${op.server} to ${describeOperation(op)}${serverMessage ? `: ${serverMessage}` : ''}`, undefined);
  }
}

function forbidden(op: Operation, serverMessage: string, details: Record<string, unknown>): CookieError {
  // Prefer what we asked for; fall back to what the server says the identity lacks.
  const said = /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(serverMessage);
  const verb = op.verb || said?.[2] || 'access';
  const resource = op.resource || said?.[3] || 'resources';
  const group = op.group ?? said?.[4] ?? '';
  const namespace = op.namespace ?? said?.[5];
  const where = namespace ? ` in namespace "${namespace}"` : ' at the cluster scope';
  const resourceArg = group ? `${resource.replace(/\/.*/, '')}.${group}${resource.includes('/') ? resource.slice(resource.indexOf('/')) : ''}` : resource;
  const canI = `kubectl auth can-i ${verb} ${resourceArg}${namespace ? ` -n ${namespace}` : ''}`;
  return new CookieError('forbidden', `forbidden: cannot ${verb} ${resource}${where}`, {
    hint: `grant the identity this permission (${rbacHint}), then check with \`${canI}\``,
    details: { ...details, verb, resource, group, namespace, identity: said?.[1], retryable: false },
  });
}

const unreachable: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  EAI_AGAIN: 'temporary DNS failure',
  ENOTFOUND: 'host not found',
};
/** Worth another try: the server may be back in a moment. Host not found and TLS errors are not. A timeout is, for reads. */
const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN']);

interface Errorish {
  code?: unknown;
  body?: unknown;
  syscall?: unknown;
  name?: unknown;
  message?: unknown;
}

/** How a request ended, as seen by our per-request timeout and the caller's signal. */
export interface AbortState {
  timedOut: boolean;
  cancelled: boolean;
  timeoutMs: number;
}

/** Any failure of a request as a CookieError; `abort` says whether our timeout or the caller aborted it. */
export function toCookieError(error: unknown, op: Operation, abort?: AbortState): CookieError {
  if (isCookieError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as Errorish;
  const opText = describeOperation(op);
  if (abort?.cancelled) {
    return new CookieError('cancelled', `cancelled: ${opText}`, { cause: error, details: { operation: opText, retryable: false } });
  }
  if (abort?.timedOut) {
    return new CookieError('timeout', `timeout: the API server at ${op.server} did not answer ${opText} within ${abort.timeoutMs} ms`, {
      hint: 'the control plane may be overloaded or the network slow (`kubectl get --raw /readyz`)',
      cause: error,
      details: { operation: opText, server: op.server, timeoutMs: abort.timeoutMs, retryable: readsOnly(op) },
    });
  }
  // An HTTP error answer (rest.ts ApiStatusError): only the parsed Status is kept (no `cause`).
  if (typeof e.code === 'number' && 'body' in e) return fromHttpStatus(e.code, e.body, op);
  const errno = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? oneLine(e.message.split('\n')[0] ?? '') : String(error);
  if (errno !== undefined && (errno in unreachable || typeof e.syscall === 'string')) {
    const what = unreachable[errno] ?? message;
    return new CookieError('cluster-unreachable', `cannot reach the Kubernetes API server at ${op.server}: ${what} (${errno}) during ${opText}`, {
      hint: 'is the cluster up, and do --kubeconfig / --context point at it?',
      cause: error,
      details: { operation: opText, server: op.server, errno, retryable: transientCodes.has(errno) },
    });
  }
  if (/certificate|CERT_|self.signed|altnames/i.test(`${errno ?? ''} ${message}`)) {
    return new CookieError('cluster-unreachable', `TLS error talking to the API server at ${op.server}: ${message}`, {
      hint: 'check certificate-authority(-data) and the server name in your kubeconfig',
      cause: error,
      details: { operation: opText, server: op.server, errno, retryable: false },
    });
  }
  if (error instanceof ProxyTunnelError) {
    const cause = (error.cause as { code?: unknown } | undefined)?.code;
    const why = error.status === undefined ? `cannot reach it${typeof cause === 'string' ? ` (${unreachable[cause] ?? cause})` : ''}` : `it answered HTTP ${error.status} to CONNECT ${error.target}`;
    const transient = error.status === undefined ? typeof cause === 'string' && transientCodes.has(cause) : error.status >= 500;
    return new CookieError('cluster-unreachable', `cannot reach the Kubernetes API server at ${op.server} through the proxy ${error.proxy} ($HTTPS_PROXY): ${why}, during ${opText}`, {
      hint: error.status === 407 ? 'the proxy wants credentials: put them in $HTTPS_PROXY (http://user:password@proxy:port)' : 'check $HTTPS_PROXY, or list the API server in $NO_PROXY to reach it directly',
      details: { operation: opText, server: op.server, proxy: error.proxy, proxyStatus: error.status, retryable: transient },
    });
  }
  if (error instanceof NotJsonAnswerError) {
    return new CookieError('cluster-unreachable', `the server at ${op.server} answered ${opText} with ${error.contentType || 'no content type'} instead of JSON: is the kubeconfig's server a Kubernetes API server?`, {
      details: { operation: opText, server: op.server, contentType: error.contentType, retryable: false },
    });
  }
  return new CookieError('internal', `unexpected error during ${opText} against ${op.server}: ${message}`, { cause: error, details: { operation: opText, retryable: false } });
}

/** GET and LIST may be sent again after a timeout; a DELETE or eviction may already have happened, so it is not. */
function readsOnly(op: Operation): boolean {
  return op.verb === 'get' || op.verb === 'list';
}

/** Should the retry policy try this again? 429 (not a PDB refusal), 5xx and transient network errors. */
export function isRetryable(error: unknown): boolean {
  return isCookieError(error) && error.details['retryable'] === true;
}
