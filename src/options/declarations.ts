import { defaults } from './defaults.js';

/**
 * Every option of `run`, `demo` and `serve`, declared once: the CLI's flags (yargs), their validation (zod), the
 * library's `RunOptions` and the REST API's job body are all generated from these entries. This module imports
 * neither yargs nor zod, so `--help` stays cheap.
 */
export type OptionValue =
  | { type: 'string'; minLength?: number }
  | { type: 'boolean' }
  | { type: 'list' }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'duration'; expected: string; min?: number }
  | { type: 'count'; expected: string; min: number; max?: number };

export interface OptionDeclaration {
  value: OptionValue;
  describe: string;
  /** Help section. */
  group: string;
  default?: string | number | boolean;
  /** Also an option of the library's `runPipeline` (camelCase). */
  library?: true;
  /** Also a field of a REST job body (camelCase). Server flags are the ceiling such a field may only narrow. */
  rest?: true;
}

const string = { type: 'string' } as const;
const boolean = { type: 'boolean' } as const;
const list = { type: 'list' } as const;
const duration = (expected: string, min = 0) => ({ type: 'duration', expected, min }) as const;
const positiveDuration = (example: string) => duration(`a positive duration like "${example}"`, 1);

const cluster = {
  kubeconfig: { value: string, describe: 'kubeconfig file (else $KUBECONFIG, ~/.kube/config, in-cluster)', group: 'Cluster and cookies:', library: true },
  context: { value: string, describe: 'kubeconfig context', group: 'Cluster and cookies:', library: true },
  cookies: { value: string, describe: 'cookie directory or config.yaml (else ./cookies.d, /etc/cookies.d)', group: 'Cluster and cookies:' },
} as const satisfies Record<string, OptionDeclaration>;

/** The kill settings `run` and `serve` share; on `serve` they are the ceiling of every job. */
const kills = {
  mode: { value: { type: 'choice', choices: ['delete', 'evict'] }, default: defaults.mode, describe: 'kill by DELETE or through the eviction API (honours PodDisruptionBudgets)', group: 'Chaos:', library: true },
  'grace-period': { value: duration('a duration like "30s" (0 = immediately)'), describe: "termination grace period (default: the pod's own)", group: 'Chaos:', library: true },
  'allow-kube-system': { value: boolean, default: false, describe: 'allow cookies in kube-system', group: 'Chaos:', library: true },
  'dry-run': { value: boolean, default: false, describe: 'delete nothing (server-side dry run); log exactly which pods would die', group: 'Chaos:', library: true, rest: true },
  seed: { value: { type: 'count', expected: 'a whole number ≥ 0', min: 0 }, describe: 'seed of the victim picker (every run and server job logs its seed)', group: 'Chaos:', library: true },
  'max-recovery': { value: positiveDuration('60s'), describe: 'recovery SLO per kill; slower or missing recovery fails the run (exit 4) or server job', group: 'Chaos:', library: true, rest: true },
  'recovery-timeout': { value: duration('a duration like "2m"'), describe: 'how long recovery is measured after the cookies stop (default: --max-recovery, else 2m)', group: 'Chaos:', library: true },
  'exec-timeout': { value: positiveDuration('2m'), default: defaults.execTimeout, describe: 'timeout of each nodeexec command; a graceful stop lets commands in flight finish within it', group: 'Chaos:' },
  'log-format': { value: { type: 'choice', choices: ['text', 'legacy', 'json'] }, default: defaults.logFormat, describe: 'log style (legacy: the original wording)', group: 'Reports and output:' },
} as const satisfies Record<string, OptionDeclaration>;

/** Probes of `run` and `serve` (every server job runs them). */
const probes = {
  probes: { value: string, describe: 'probe file (YAML or JSON list): steady state before chaos, samples during it (abort on breach), check after recovery', group: 'Probes:', library: true },
  'probe-http': { value: list, describe: 'an http probe of URL in every phase, failing the run on the first bad answer (repeatable)', group: 'Probes:', library: true },
} as const satisfies Record<string, OptionDeclaration>;

const notifications = {
  'slack-webhook-file': { value: string, describe: 'file holding the Slack webhook URL (else $KCM_SLACK_WEBHOOK_URL)', group: 'Notifications:' },
  'webhook-file': { value: string, describe: 'file holding a generic webhook URL (else $KCM_WEBHOOK_URL)', group: 'Notifications:' },
  'notify-template': { value: string, describe: 'message wording with {pod} {namespace} {cookie} {workload} {kind} {node}', group: 'Notifications:' },
  events: { value: boolean, default: false, describe: 'a Kubernetes Event on the owner workload for every kill', group: 'Notifications:' },
} as const satisfies Record<string, OptionDeclaration>;

export const runOptionDeclarations = {
  ...cluster,
  cookie: { value: list, describe: 'cookie to run, `group/name` or `name` (repeatable; default: every killpod cookie)', group: 'Cluster and cookies:' },
  check: { value: list, describe: 'extra target: deployment/NS/NAME, NS/KIND or NS (repeatable)', group: 'Deploy check:', library: true },
  'helm-release': { value: list, describe: 'Helm 3 release to check: NAME or NS/NAME (repeatable)', group: 'Deploy check:', library: true },
  'ready-timeout': { value: duration('a duration like "5m"'), default: defaults.readyTimeout, describe: 'how long to wait for readiness', group: 'Deploy check:', library: true },
  'skip-deploy-check': { value: boolean, default: false, describe: 'skip the deploy check', group: 'Deploy check:', library: true },
  'skip-preflight': { value: boolean, default: false, describe: 'do not check RBAC (SelfSubjectAccessReview) for every verb the cookies need before the first kill', group: 'Safety:', library: true },
  'chaos-duration': { value: positiveDuration('10m'), describe: 'stop the cookies after this long, even while the command runs', group: 'Chaos:', library: true, rest: true },
  ...kills,
  concurrency: { value: { type: 'count', expected: 'a whole number ≥ 1', min: 1 }, default: defaults.concurrency, describe: 'kills of one tick in flight at once', group: 'Chaos:', library: true },
  shell: { value: boolean, default: false, describe: 'run the command after -- through /bin/sh -c', group: 'Verification:' },
  'verify-timeout': { value: positiveDuration('30m'), describe: "terminate the command's process group after this long", group: 'Verification:', library: true },
  'kill-after': { value: duration('a duration like "10s"'), default: defaults.killAfter, describe: 'grace between SIGTERM and SIGKILL', group: 'Verification:', library: true },
  'verify-junit': { value: string, describe: "merge the command's own JUnit file into ours", group: 'Verification:' },
  rally: { value: string, describe: 'Rally preset: task file for rally task start / sla-check / export', group: 'Verification:' },
  'rally-config': { value: string, describe: 'rally --config-file (its [database] connection)', group: 'Verification:' },
  'rally-deployment': { value: string, describe: 'rally deployment/env name', group: 'Verification:' },
  junit: { value: { type: 'string', minLength: 1 }, default: defaults.junit, describe: 'JUnit XML output', group: 'Reports and output:' },
  'kill-log': { value: { type: 'string', minLength: 1 }, default: defaults.killLog, describe: 'JSON-lines kill log', group: 'Reports and output:' },
  html: { value: { type: 'string', minLength: 1 }, default: defaults.html, describe: 'HTML timeline report (self-contained, works offline)', group: 'Reports and output:' },
  ci: { value: { type: 'choice', choices: ['auto', 'github', 'gitlab', 'jenkins', 'plain'] }, default: defaults.ci, describe: 'CI-native output', group: 'Reports and output:' },
  color: { value: boolean, describe: 'colour (default: on a TTY; NO_COLOR/FORCE_COLOR respected)', group: 'Reports and output:' },
  ...probes,
  ...notifications,
} as const satisfies Record<string, OptionDeclaration>;

export const serveOptionDeclarations = {
  port: { value: { type: 'count', expected: 'a port 0-65535', min: 0, max: 65535 }, default: defaults.port, describe: 'port to listen on', group: 'Server:' },
  host: { value: { type: 'string', minLength: 1 }, default: defaults.host, describe: 'address to bind; anything but loopback needs a token', group: 'Server:' },
  'token-file': { value: string, describe: 'file holding the bearer token for start/stop (else $KCM_SERVER_TOKEN)', group: 'Server:' },
  demo: { value: boolean, default: false, describe: 'serve against the built-in simulated cluster of `demo` (its cookies unless --cookies): try the REST API without a cluster', group: 'Server:' },
  'kill-log-dir': { value: string, describe: 'also append each job’s kill log to DIR/<job id>.jsonl', group: 'Server:' },
  ...cluster,
  ...kills,
  'worker-namespace': { value: string, describe: 'namespace of the nodeexec worker DaemonSet (default: $POD_NAMESPACE, else cookiemonster)', group: 'nodeexec:' },
  'worker-selector': { value: { type: 'string', minLength: 1 }, default: defaults.workerSelector, describe: 'label selector of the worker pods', group: 'nodeexec:' },
  'worker-container': { value: string, default: defaults.workerContainer, describe: 'container to exec into ("" = the only one)', group: 'nodeexec:' },
  ...probes,
  ...notifications,
} as const satisfies Record<string, OptionDeclaration>;

export type RunOptionName = keyof typeof runOptionDeclarations;
export type ServeOptionName = keyof typeof serveOptionDeclarations;

type ValueOf<V> = V extends { type: 'string' }
  ? string
  : V extends { type: 'boolean' }
    ? boolean
    : V extends { type: 'list' }
      ? string[]
      : V extends { type: 'choice'; choices: readonly (infer C)[] }
        ? C
        : number;

/** The validated values of a set of declarations: durations in ms, lists always present, the rest optional unless defaulted. */
export type OptionValues<D extends Record<string, OptionDeclaration>> = {
  -readonly [K in keyof D]: D[K] extends { default: unknown } ? ValueOf<D[K]['value']> : D[K]['value'] extends { type: 'list' } ? string[] : ValueOf<D[K]['value']> | undefined;
};

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type Marked<D, Mark extends string> = { [K in keyof D]: D[K] extends Record<Mark, true> ? K : never }[keyof D];
type Given<V> = V extends { type: 'duration' } ? string | number : ValueOf<V>;

/** What a library caller (or a REST body) may give for the options marked `library` (`rest`): camelCase, durations as "30s" or ms. */
export type CamelOptions<D extends Record<string, OptionDeclaration>, Mark extends 'library' | 'rest'> = {
  [K in Marked<D, Mark> & string as Camel<K>]?: Given<D[K]['value']>;
};

export const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
