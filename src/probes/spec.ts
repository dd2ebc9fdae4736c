import { z } from 'zod';
import { durationField, expected, flag } from '../config/fields.js';

export const probePhases = ['before', 'during', 'after'] as const;
export type ProbePhase = (typeof probePhases)[number];

const timeout = durationField('a positive duration like "5s"', { min: 1 }).optional();
const httpStatus = z.union([
  z.number({ error: expected('an HTTP status like 200') }).int().min(100).max(599),
  z.string().regex(/^[1-5]xx$/, { error: expected('an HTTP status like 200 or a class like "2xx"') }),
]);

const httpCheck = z.strictObject(
  {
    url: z.url({ protocol: /^https?$/, error: expected('an http:// or https:// URL') }),
    method: z.enum(['GET', 'HEAD', 'POST'], { error: expected('GET, HEAD or POST') }).default('GET'),
    expect: z.union([httpStatus, z.array(httpStatus).min(1)], { error: expected('a status, a class like "2xx", or a list of them') }).default('2xx'),
    body: z.string({ error: expected('a regular expression the body must match') }).optional(),
    timeout,
    ca: z.string({ error: expected('a CA file (PEM)') }).optional(),
    insecure: flag('true or false').default(false),
  },
  { error: expected('a mapping with url (and method, expect, body, timeout, ca, insecure)') },
);

const cmdCheck = z
  .strictObject(
    {
      argv: z.array(z.string({ error: expected('a string') }), { error: expected('a list of strings, the command and its arguments') }).min(1, { error: expected('a command') }).optional(),
      shell: z.string({ error: expected('a shell command line') }).min(1).optional(),
      timeout,
    },
    { error: expected('a mapping with argv (a list) or shell (a string)') },
  )
  .refine((c) => (c.argv === undefined) !== (c.shell === undefined), { error: 'expected exactly one of argv or shell' });

const k8sCheck = z
  .strictObject(
    {
      workload: z.string().regex(/^(deployment|statefulset|daemonset)\/[a-z0-9-]+\/[a-z0-9.-]+$/, { error: expected('KIND/NAMESPACE/NAME like "deployment/openstack/keystone"') }).optional(),
      minAvailable: z.number({ error: expected('a whole number ≥ 0') }).int().min(0).optional(),
      allReady: flag('true or false').optional(),
      service: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, { error: expected('NAMESPACE/NAME like "openstack/keystone"') }).optional(),
      minReadyEndpoints: z.number({ error: expected('a whole number ≥ 1') }).int().min(1).optional(),
    },
    { error: expected('a mapping with workload (and minAvailable or allReady) or service (and minReadyEndpoints)') },
  )
  .refine((c) => (c.workload === undefined) !== (c.service === undefined), { error: 'expected exactly one of workload or service' })
  .refine((c) => c.workload !== undefined || (c.minAvailable === undefined && c.allReady === undefined), { error: 'minAvailable and allReady apply to a workload' })
  .refine((c) => c.service !== undefined || c.minReadyEndpoints === undefined, { error: 'minReadyEndpoints applies to a service' });

const comparison = z.string().regex(/^\s*(<=|>=|==|!=|<|>)\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/, { error: expected('a comparison like "< 0.01" or ">= 3"') });

const promqlCheck = z.strictObject(
  {
    url: z.url({ protocol: /^https?$/, error: expected('the Prometheus base URL, e.g. http://prometheus:9090') }),
    query: z.string({ error: expected('a PromQL query') }).min(1),
    expect: comparison,
    timeout,
  },
  { error: expected('a mapping with url, query and expect') },
);

const tolerance = z.union(
  [
    z.strictObject({ maxFailures: z.number().int().min(0) }),
    z.strictObject({ failureRatio: z.number().min(0).max(1) }),
    z.strictObject({ consecutive: z.number().int().min(1) }),
  ],
  { error: expected('{maxFailures: N}, {failureRatio: 0.01} or {consecutive: N}') },
);

export const probeFileEntry = z
  .strictObject(
    {
      name: z.string({ error: expected('a probe name') }).regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/, { error: expected('a name like "shop" (letters, digits, "-", "_", ".")') }),
      http: httpCheck.optional(),
      cmd: cmdCheck.optional(),
      k8s: k8sCheck.optional(),
      promql: promqlCheck.optional(),
      every: durationField('a positive duration like "1s"', { min: 1 }).default(1000),
      phases: z.array(z.enum(probePhases, { error: expected('before, during or after') }), { error: expected('a list of phases') }).min(1).default([...probePhases]),
      tolerance: tolerance.default({ maxFailures: 0 }),
      abort: flag('true or false').default(false),
      startWhen: z.strictObject({ within: durationField('a positive duration like "5m"', { min: 1 }) }, { error: expected('{within: DURATION}') }).optional(),
    },
    { error: expected('a probe: a mapping with name and one of http, cmd, k8s, promql') },
  )
  .refine((p) => [p.http, p.cmd, p.k8s, p.promql].filter((c) => c !== undefined).length === 1, { error: 'expected exactly one of http, cmd, k8s, promql' });

export const probeFile = z.array(probeFileEntry, { error: expected('a list of probes') });

export type ProbeEntry = z.output<typeof probeFileEntry>;
export type Tolerance = ProbeEntry['tolerance'];
export type HttpCheck = NonNullable<ProbeEntry['http']>;
export type CmdCheck = NonNullable<ProbeEntry['cmd']>;
export type K8sCheck = NonNullable<ProbeEntry['k8s']>;
export type PromqlCheck = NonNullable<ProbeEntry['promql']>;

/** A probe as the run uses it. */
export interface ProbeSpec {
  name: string;
  check: { kind: 'http'; http: HttpCheck } | { kind: 'cmd'; cmd: CmdCheck } | { kind: 'k8s'; k8s: K8sCheck } | { kind: 'promql'; promql: PromqlCheck };
  everyMs: number;
  phases: readonly ProbePhase[];
  tolerance: Tolerance;
  abort: boolean;
  startWithinMs: number | undefined;
}

export function toProbeSpec(entry: ProbeEntry): ProbeSpec {
  const check = entry.http
    ? ({ kind: 'http', http: entry.http } as const)
    : entry.cmd
      ? ({ kind: 'cmd', cmd: entry.cmd } as const)
      : entry.k8s
        ? ({ kind: 'k8s', k8s: entry.k8s } as const)
        : ({ kind: 'promql', promql: entry.promql as PromqlCheck } as const);
  return { name: entry.name, check, everyMs: entry.every, phases: entry.phases, tolerance: entry.tolerance, abort: entry.abort, startWithinMs: entry.startWhen?.within };
}
