import { z } from 'zod';
import type { WorkloadKind } from '../kube/types.js';
import type { KillMode } from '../log/entries.js';
import {
  countField,
  dnsLabel,
  durationField,
  expected,
  flag,
  workloadKind,
  type Count,
} from './fields.js';

const safetySchema = z.strictObject(
  {
    minAvailable: z
      .number({ error: expected('a whole number of pods ≥ 1') })
      .int({ error: expected('a whole number of pods ≥ 1') })
      .min(1, { error: expected('a whole number of pods ≥ 1') })
      .default(2),
    quorum: flag('true or false').default(false),
    allowKubeSystem: flag('true or false').default(false),
  },
  { error: expected('an object like {"minAvailable": 2, "quorum": true}') },
);

const regexField = z.string({ error: expected('a regular expression') }).refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected a valid regular expression, got ${JSON.stringify(issue.input)}` },
);

/**
 * A killpod cookie file: the original generation-1 fields, all accepted unchanged, plus our extensions.
 * `target` and `duration` are honoured (the original ignored them).
 */
export const killPodFileSchema = z.strictObject(
  {
    name: z.string({ error: expected('a workload name, or "" for a random one') }).nullish(),
    kind: workloadKind,
    namespace: dnsLabel,
    target: countField,
    interval: durationField('a positive number of seconds', { min: 1 }),
    duration: durationField('a number of seconds ≥ 0 (0 = until stopped)').optional(),
    slack: flag('true or false').default(false),
    fatal: flag('true or false').default(false),
    mode: z.enum(['delete', 'evict'], { error: expected('"delete" or "evict"') }).optional(),
    gracePeriod: durationField('a number of seconds ≥ 0').optional(),
    selector: z.string({ error: expected('a label selector like "app=api,tier!=db"') }).optional(),
    annotations: z
      .record(z.string(), z.string({ error: expected('an annotation value (a string)') }), {
        error: expected('an object of annotation: value'),
      })
      .optional(),
    podNamePattern: regexField.optional(),
    minPodAge: durationField('a duration like "5m"').optional(),
    events: flag('true or false').default(false),
    safety: safetySchema.default({ minAvailable: 2, quorum: false, allowKubeSystem: false }),
  },
  { error: expected('a JSON object like {"kind": "deployment", "namespace": "openstack", "interval": 30}') },
);

const commandSchema = z.strictObject(
  {
    command: z.string({ error: expected('a command name') }).min(1, { error: expected('a command name') }),
    parameters: z.array(z.string({ error: expected('a string') }), { error: expected('a list of strings') }).nullish(),
  },
  { error: expected('an object like {"command": "ps", "parameters": ["aux"]}') },
);

/** A nodeexec cookie file (generation 1): `target` "" = a random node, "all" = every node, else a node name. */
export const nodeExecFileSchema = z.strictObject(
  {
    name: z.string({ error: expected('a job name (a string)') }).nullish(),
    target: z.string({ error: expected('"", "all" or a node name') }).nullish(),
    commands: z
      .array(commandSchema, { error: expected('a list of {command, parameters}') })
      .min(1, { error: expected('at least one command') }),
    slack: flag('true or false').default(false),
    fatal: flag('true or false').default(false),
  },
  { error: expected('a JSON object like {"target": "all", "commands": [{"command": "uptime"}]}') },
);

const configResourceSchema = z.strictObject(
  {
    kind: workloadKind,
    name: z.string({ error: expected('a workload name, or empty for a random one') }).nullish(),
    target: countField,
  },
  { error: expected('a resource like {kind: deployment, name: keystone, target: 1}') },
);

const configNamespaceSchema = z.strictObject(
  {
    name: dnsLabel,
    resource: z
      .array(configResourceSchema, { error: expected('a list of {kind, name, target}') })
      .min(1, { error: expected('at least one resource') }),
  },
  { error: expected('a namespace like {name: openstack, resource: [...]}') },
);

/**
 * Generation 2 `config.yaml`. Keys are matched case-insensitively, as viper did; unlike viper, an unknown key is an
 * error, so a typo like `intreval` is named instead of silently ignored.
 */
export const configYamlSchema = z.strictObject(
  {
    namespace: z
      .array(configNamespaceSchema, { error: expected('a list of {name, resource}') })
      .min(1, { error: expected('at least one namespace') }),
    interval: durationField('a positive number of seconds', { min: 1 }),
    duration: durationField('a number of seconds ≥ 0 (0 = until stopped)').optional(),
    slack: flag('true or false').default(false),
  },
  { error: expected('a YAML mapping with namespace, interval, duration and slack') },
);

export interface SafetyRules {
  /** The original rule: a tick needs at least this many available pods (default 2). */
  minAvailable: number;
  /** Keep a majority: a kill needs more than replicas/2 + 1 available (the original's integer quorum rule). */
  quorum: boolean;
  allowKubeSystem: boolean;
}

/** A killpod cookie after loading, whatever format it came from. */
export interface KillPodCookie {
  group: 'killpod';
  name: string;
  source: string;
  kind: WorkloadKind;
  namespace: string;
  /** undefined: a random workload of `kind` on every tick. */
  workload: string | undefined;
  count: Count;
  intervalMs: number;
  /** 0: until stopped. */
  durationMs: number;
  slack: boolean;
  fatal: boolean;
  events: boolean;
  mode: KillMode | undefined;
  gracePeriodSeconds: number | undefined;
  podSelector: string | undefined;
  annotations: Record<string, string> | undefined;
  podNamePattern: string | undefined;
  minPodAgeMs: number | undefined;
  safety: SafetyRules;
}

export type NodeExecTarget = { kind: 'random' } | { kind: 'all' } | { kind: 'node'; name: string };

export interface NodeExecCookie {
  group: 'nodeexec';
  name: string;
  source: string;
  target: NodeExecTarget;
  commands: { command: string; parameters: string[] }[];
  slack: boolean;
}

export type Cookie = KillPodCookie | NodeExecCookie;
