import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { describeError } from '../errors.js';
import type { Cluster, WorkloadKind } from '../kube/types.js';
import { longTimeoutSignal } from '../long-timeout.js';
import { runCommand } from '../verify/run-command.js';
import { compare, parseComparison } from './comparison.js';
import type { CmdCheck, HttpCheck, K8sCheck, ProbeSpec, PromqlCheck } from './spec.js';

/** One sample: passed or not, and why in one line. */
export interface Sample {
  ok: boolean;
  message: string;
}

export interface CheckDeps {
  clock: Clock;
  cwd: string;
  /** Needed by k8s probes only. */
  cluster?: Cluster | undefined;
}

export type Check = (signal: AbortSignal) => Promise<Sample>;

const defaultTimeoutMs = 5_000;
const maxBodyBytes = 1024 * 1024;

/** The check of a probe, ready to be sampled; a check never throws: a failure to reach the target is a failed sample. */
export function createCheck(spec: ProbeSpec, deps: CheckDeps): Check {
  const check = spec.check;
  const run: Check =
    check.kind === 'http'
      ? (signal) => httpSample(check.http, deps, signal)
      : check.kind === 'cmd'
        ? (signal) => cmdSample(check.cmd, deps, signal)
        : check.kind === 'k8s'
          ? (signal) => k8sSample(check.k8s, deps, signal)
          : (signal) => promqlSample(check.promql, signal);
  const target = check.kind === 'http' ? `${check.http.method} ${check.http.url}` : check.kind === 'promql' ? `query ${check.promql.query}` : check.kind === 'k8s' ? (check.k8s.workload ?? `service ${check.k8s.service}`) : 'command';
  return async (signal) => {
    try {
      return await run(signal);
    } catch (error) {
      return { ok: false, message: `${target}: ${describeError(error).split('\n')[0] ?? 'failed'}` };
    }
  };
}

/** Runs `work` with `signal` and the probe's timeout (any length: a timer past 24.8 days waits in chunks). */
async function timeBound<T>(signal: AbortSignal, timeoutMs: number | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeout = longTimeoutSignal(timeoutMs ?? defaultTimeoutMs);
  try {
    return await work(AbortSignal.any([signal, timeout.signal]));
  } finally {
    timeout.clear();
  }
}

async function httpSample(http: HttpCheck, deps: CheckDeps, signal: AbortSignal): Promise<Sample> {
  const url = new URL(http.url);
  const ca = http.ca === undefined ? undefined : await readFile(resolve(deps.cwd, http.ca));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const { status, body } = await timeBound(signal, http.timeout, (bounded) => new Promise<{ status: number; body: string }>((done, fail) => {
    const req = send(url, { method: http.method, signal: bounded, ...(url.protocol === 'https:' && { ca, rejectUnauthorized: !http.insecure }) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < maxBodyBytes) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.name === 'AbortError' ? new Error(`no answer within ${http.timeout ?? defaultTimeoutMs} ms`) : error));
    req.end();
  }));
  const expected = [http.expect].flat();
  if (!expected.some((e) => (typeof e === 'number' ? e === status : Math.floor(status / 100) === Number(e[0])))) {
    return { ok: false, message: `${http.method} ${http.url} answered ${status}, expected ${expected.join(' or ')}` };
  }
  if (http.body !== undefined && !new RegExp(http.body).test(body)) return { ok: false, message: `${http.method} ${http.url} answered ${status}, body does not match /${http.body}/` };
  return { ok: true, message: `${http.method} ${http.url} answered ${status}` };
}

async function cmdSample(cmd: CmdCheck, deps: CheckDeps, signal: AbortSignal): Promise<Sample> {
  const argv = cmd.shell !== undefined ? [cmd.shell] : (cmd.argv as string[]);
  const result = await runCommand({ argv, shell: cmd.shell !== undefined, cwd: deps.cwd, timeoutMs: cmd.timeout ?? defaultTimeoutMs, killAfterMs: 1_000, tailLines: 5 }, { clock: deps.clock }, { signal });
  const output = (result.stderrTail.trim() || result.stdoutTail.trim()).split('\n').at(-1) ?? '';
  return { ok: !result.failed, message: `${argv.join(' ')}: ${result.shortMessage}${output ? `: ${output}` : ''}` };
}

async function k8sSample(k8s: K8sCheck, deps: CheckDeps, signal: AbortSignal): Promise<Sample> {
  const cluster = deps.cluster;
  if (!cluster) return { ok: false, message: 'k8s probes need a cluster' };
  if (k8s.service !== undefined) {
    const [namespace = '', name = ''] = k8s.service.split('/');
    const ready = await cluster.countReadyEndpoints(namespace, name, { signal });
    const wanted = k8s.minReadyEndpoints ?? 1;
    return { ok: ready >= wanted, message: `service ${k8s.service}: ${ready} ready endpoints (at least ${wanted} wanted)` };
  }
  const [kind, namespace = '', name = ''] = (k8s.workload as string).split('/') as [WorkloadKind, string, string];
  const workload = await cluster.getWorkload({ kind, namespace, name }, { signal });
  if (!workload) return { ok: false, message: `${k8s.workload} not found` };
  if (k8s.allReady) {
    const pods = (await cluster.listPods(namespace, workload.selector, { signal })).filter((p) => !p.deleting);
    const ready = pods.filter((p) => p.ready).length;
    return { ok: pods.length > 0 && ready === pods.length && pods.length >= workload.desired, message: `${k8s.workload}: ${ready}/${pods.length} pods Ready (${workload.desired} desired)` };
  }
  const wanted = k8s.minAvailable ?? workload.desired;
  return { ok: workload.available >= wanted, message: `${k8s.workload}: ${workload.available} available (at least ${wanted} wanted)` };
}

async function promqlSample(promql: PromqlCheck, signal: AbortSignal): Promise<Sample> {
  const url = new URL('/api/v1/query', promql.url);
  url.searchParams.set('query', promql.query);
  const { answer, body } = await timeBound(signal, promql.timeout, async (bounded) => {
    const answer = await fetch(url, { signal: bounded });
    return { answer, body: (await answer.json()) as { status?: string; error?: string; data?: { resultType?: string; result?: unknown } } };
  });
  if (!answer.ok || body.status !== 'success') return { ok: false, message: `query ${promql.query}: ${body.error ?? `HTTP ${answer.status}`}` };
  const value = scalarOf(body.data);
  if (value === undefined) return { ok: false, message: `query ${promql.query}: no single value (${describeResult(body.data)})` };
  const wanted = parseComparison(promql.expect);
  return { ok: compare(value, wanted), message: `query ${promql.query} = ${value} (expected ${promql.expect.trim()})` };
}

/** A scalar, or a vector of exactly one sample, as a number. */
function scalarOf(data: { resultType?: string; result?: unknown } | undefined): number | undefined {
  if (data?.resultType === 'scalar') return Number((data.result as [number, string])[1]);
  if (data?.resultType === 'vector' && Array.isArray(data.result) && data.result.length === 1) return Number((data.result[0] as { value: [number, string] }).value[1]);
  return undefined;
}

function describeResult(data: { resultType?: string; result?: unknown } | undefined): string {
  if (data?.resultType === 'vector' && Array.isArray(data.result)) return `${data.result.length} series`;
  return data?.resultType ?? 'no data';
}
