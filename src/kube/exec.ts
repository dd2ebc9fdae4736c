import { PassThrough, Writable } from 'node:stream';
import { CookieError } from '../errors.js';
import { maxTimerDelayMs, setLongTimeout } from '../long-timeout.js';
import { fromHttpStatus, toCookieError, type Operation } from './errors.js';
import { loadKubeConfig, type KubeConfigOptions } from './kubeconfig.js';

/**
 * Commands in a pod through the Kubernetes exec API (pods/exec, WebSocket channel protocol v4/v5 via client-node's
 * `Exec`). Loads client-node and ws lazily, like index.ts. Needs RBAC `create` on `pods/exec` in the pod's namespace.
 */

export interface ExecRequest {
  namespace: string;
  pod: string;
  /** Empty or undefined: the pod's only (or default) container. */
  container?: string | undefined;
  /** argv, no shell. */
  command: string[];
  /** Default 2 minutes; covers the handshake and the command. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** How one command ended. Connection failures (forbidden, pod gone, unreachable) throw a CookieError instead. */
export interface ExecResult {
  /** null when the command did not end with an exit code (timeout, cancelled, runtime failure). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why there is no exit code, e.g. `timed out after 30s` or the runtime's message. */
  failure: string | undefined;
  /** The request's abort signal ended the command. */
  cancelled: boolean;
  durationMs: number;
}

export type PodExec = (request: ExecRequest) => Promise<ExecResult>;

export interface PodExecOptions extends KubeConfigOptions {
  /** Per stream; more is cut with a note. Default 64 KiB. */
  maxOutputBytes?: number | undefined;
}

interface StatusLike {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

export async function createPodExec(options: PodExecOptions): Promise<PodExec> {
  const resolved = loadKubeConfig(options);
  const [{ buildKubeConfig }, k8s, { WebSocketHandler }, { default: WebSocket }] = await Promise.all([
    import('./client.js'),
    import('@kubernetes/client-node'),
    import('@kubernetes/client-node/dist/web-socket-handler.js'),
    import('ws'),
  ]);
  const kc = buildKubeConfig(resolved);
  const maxBytes = options.maxOutputBytes ?? 64 * 1024;

  return async (request) => {
    const timeoutMs = request.timeoutMs ?? 120_000;
    const op: Operation = { server: resolved.server, verb: 'create', resource: 'pods/exec', namespace: request.namespace, name: request.pod };
    const started = Date.now();
    const stdout = new Capture(maxBytes);
    const stderr = new Capture(maxBytes);
    let status: StatusLike | undefined;
    let socket: import('ws').WebSocket | undefined;
    let ended: 'timeout' | 'cancelled' | undefined;
    const end = (why: 'timeout' | 'cancelled'): void => {
      ended ??= why;
      socket?.terminate();
    };
    const clearTimer = setLongTimeout(() => end('timeout'), timeoutMs);
    const onAbort = (): void => end('cancelled');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    // Our own streams: client-node would otherwise end process.stdout on a v5 close frame.
    const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
    const factory = (uri: string, protocols: string[], opts: import('ws').ClientOptions): import('ws').WebSocket => {
      socket = new WebSocket(uri, protocols, { ...opts, handshakeTimeout: Math.min(timeoutMs, maxTimerDelayMs) });
      return socket;
    };
    const exec = new k8s.Exec(kc, new WebSocketHandler(kc, factory, streams));
    try {
      if (request.signal?.aborted) end('cancelled');
      const ws = await exec.exec(request.namespace, request.pod, request.container ?? '', request.command, stdout, stderr, null, false, (s) => {
        status = s as StatusLike;
      });
      if (ws.readyState !== ws.CLOSED) await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    } catch (error) {
      if (ended === undefined) throw connectError(error, op);
    } finally {
      clearTimer();
      request.signal?.removeEventListener('abort', onAbort);
    }
    const result = { stdout: stdout.text(), stderr: stderr.text(), durationMs: Date.now() - started };
    if (ended === 'timeout') return { ...result, exitCode: null, failure: `timed out after ${timeoutMs} ms`, cancelled: false };
    if (ended === 'cancelled') return { ...result, exitCode: null, failure: 'cancelled', cancelled: true };
    return { ...result, ...fromStatus(status), cancelled: false };
  };
}

/** metav1.Status on the error channel → exit code: Success is 0, NonZeroExitCode carries it in an ExitCode cause. */
export function fromStatus(status: StatusLike | undefined): { exitCode: number | null; failure: string | undefined } {
  if (!status) return { exitCode: null, failure: 'the connection closed without an exit status' };
  if (status.status === 'Success') return { exitCode: 0, failure: undefined };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  const code = cause === undefined ? Number.NaN : Number(cause);
  if (status.reason === 'NonZeroExitCode' && Number.isInteger(code)) return { exitCode: code, failure: undefined };
  return { exitCode: null, failure: (status.message ?? 'the command failed without an exit code').split('\n')[0] };
}

/** The handshake failed: an HTTP status from the upgrade answer, or a network error. */
function connectError(error: unknown, op: Operation): CookieError {
  const inner = (error as { error?: unknown } | undefined)?.error ?? error;
  const message = inner instanceof Error ? inner.message : String((error as { message?: unknown } | undefined)?.message ?? error);
  const http = /Unexpected server response: (\d{3})/.exec(message);
  if (http) {
    const code = Number(http[1]);
    const mapped = fromHttpStatus(code, undefined, op);
    if (code === 403) return new CookieError('forbidden', mapped.message, { hint: `${mapped.hint ?? ''}; nodeexec needs \`create\` on pods/exec for the worker pods`, details: mapped.details });
    return mapped;
  }
  if (/handshake has timed out/i.test(message)) {
    return new CookieError('timeout', `timeout: no exec handshake from the API server at ${op.server} for pod ${op.namespace}/${op.name}`);
  }
  return toCookieError(inner, op);
}

/** A bounded in-memory sink: keeps the first `max` bytes and counts the rest. */
class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly max: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const room = this.max - this.kept;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.chunks.push(Buffer.from(part));
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
    done();
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${text}\n… (${this.dropped} more bytes not kept)` : text;
  }
}
