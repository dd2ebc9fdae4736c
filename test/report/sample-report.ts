import type { LogEntry } from '../../src/log/entries.js';
import type { RunReport, VerifyResult } from '../../src/report/types.js';

/** 2026-11-24T09:00:00Z: every time in the sample is an offset from it, so the golden file never changes. */
export const t0 = Date.UTC(2026, 10, 24, 9, 0, 0);

const keystone = { kind: 'deployment', namespace: 'openstack', name: 'keystone' } as const;
const mariadb = { kind: 'statefulset', namespace: 'openstack', name: 'mariadb' } as const;
const pod = (name: string, uid: string) => ({ namespace: 'openstack', name, uid });

function bite(at: number, tick: number, name: string, uid: string, cookie = 'keystone-killer', dryRun = false): LogEntry {
  return { kind: 'bite', at: t0 + at, cookie, tick, dryRun, mode: 'delete', pod: pod(name, uid), nodeName: 'node-1', workload: cookie === 'keystone-killer' ? keystone : mariadb, availableBefore: 3, desired: 3 };
}

function recovery(at: number, name: string, uid: string, recoveredMs: number | undefined, replacementMs: number | undefined): LogEntry {
  return { kind: 'recovery', at: t0 + at, cookie: 'keystone-killer', pod: pod(name, uid), workload: keystone, method: 'poll', replacementMs, recoveredMs, recovered: recoveredMs !== undefined };
}

export const sampleVerification: VerifyResult = {
  command: ['rally', 'task', 'start', 'task.yaml'],
  shell: false,
  exitCode: 2,
  signal: null,
  timedOut: false,
  cancelled: false,
  failed: true,
  startedAt: t0 + 5_000,
  durationMs: 61_250,
  stdoutTail: 'Task  0a1b: started\n\u001b[31mred <b>&amp;</b>\u001b[0m ]]> done',
  stderrTail: 'SAWarning: harmless',
  shortMessage: 'exited with code 2 (Rally: SLA failed)',
};

/** A run that exercises every kind of case: ready and unready checks, fast/slow/unrecovered/dry-run kills, skips,
 *  errors (with and without a cookie), node execs, a failed command with Rally cases, and an interruption. */
export function sampleReport(): RunReport {
  const entries: LogEntry[] = [
    { kind: 'run-start', at: t0, runId: '20261124T090000-abcd1234', dryRun: false, seed: 42, server: 'https://10.0.0.1:6443' },
    { kind: 'cookie-start', at: t0 + 4_000, cookie: 'keystone-killer', group: 'killpod', scope: { group: 'killpod', kind: 'deployment', namespace: 'openstack', workload: 'keystone', count: { mode: 'fixed', n: 1 } }, target: 'deployment/openstack/keystone', intervalMs: 10_000, durationMs: 0, dryRun: false },
    { kind: 'cookie-start', at: t0 + 4_000, cookie: 'mariadb-dry', group: 'killpod', scope: { group: 'killpod', kind: 'statefulset', namespace: 'openstack', workload: 'mariadb', count: { mode: 'fixed', n: 1 } }, target: 'statefulset/openstack/mariadb', intervalMs: 20_000, durationMs: 0, dryRun: true },
    { kind: 'cookie-start', at: t0 + 4_000, cookie: 'exec-all', group: 'nodeexec', scope: { group: 'nodeexec', nodes: { kind: 'all' } }, target: 'all nodes', intervalMs: 0, durationMs: 0, dryRun: false },
    bite(14_000, 1, 'keystone-7d9f-abc', 'uid-1'),
    bite(24_000, 1, 'mariadb-0', 'uid-m0', 'mariadb-dry', true),
    bite(24_000, 2, 'keystone-7d9f-def', 'uid-2'),
    { kind: 'skip', at: t0 + 34_000, cookie: 'keystone-killer', tick: 3, reason: 'only-one-available', message: 'keystone has only 1 of 3 pods available; not killing', workload: keystone },
    bite(44_000, 4, 'keystone-7d9f-ghi', 'uid-3'),
    { kind: 'error', at: t0 + 45_000, cookie: 'keystone-killer', tick: 4, code: 'forbidden', message: 'delete pods in openstack is forbidden', hint: 'see examples/rbac.yaml' },
    { kind: 'exec', at: t0 + 46_000, cookie: 'exec-all', node: 'node-1', command: ['systemctl', 'restart', 'kubelet'], exitCode: 0, cancelled: false, dryRun: false, stdout: 'restarted', stderr: '' },
    { kind: 'exec', at: t0 + 47_000, cookie: 'exec-all', node: 'node-2', command: ['systemctl', 'restart', 'kubelet'], exitCode: 1, cancelled: false, dryRun: false, stdout: '', stderr: 'Failed to restart kubelet.service' },
    { kind: 'error', at: t0 + 50_000, code: 'server-error', message: 'notification webhook said 500' },
    bite(54_000, 5, 'mariadb-0', 'uid-m0', 'mariadb-dry', true),
    recovery(18_200, 'keystone-7d9f-abc', 'uid-1', 4_200, 1_100),
    recovery(69_000, 'keystone-7d9f-def', 'uid-2', 45_000, 2_000),
    recovery(164_000, 'keystone-7d9f-ghi', 'uid-3', undefined, undefined),
    { kind: 'cookie-stop', at: t0 + 66_250, cookie: 'keystone-killer', reason: 'stopped', bites: 3, skips: 1, errors: 1 },
    { kind: 'cookie-stop', at: t0 + 66_250, cookie: 'mariadb-dry', reason: 'stopped', bites: 2, skips: 0, errors: 0 },
    { kind: 'cookie-stop', at: t0 + 66_250, cookie: 'exec-all', reason: 'stopped', bites: 0, skips: 0, errors: 0 },
    { kind: 'run-end', at: t0 + 170_000, outcome: 'interrupted', exitCode: 143 },
  ];
  return {
    runId: '20261124T090000-abcd1234',
    startedAt: t0,
    finishedAt: t0 + 170_000,
    dryRun: false,
    seed: 42,
    server: 'https://10.0.0.1:6443',
    outcome: 'interrupted',
    exitCode: 143,
    interrupted: 'SIGTERM',
    maxRecoveryMs: 30_000,
    deployCheck: [
      { name: 'deployment/openstack/keystone', workload: keystone, ready: true, message: '3/3 replicas available', durationMs: 1_250 },
      { name: 'statefulset/openstack/mariadb', workload: mariadb, ready: false, message: '2/3 replicas ready after 5m', durationMs: 300_000 },
    ],
    cookies: [
      { name: 'keystone-killer', group: 'killpod', target: 'deployment/openstack/keystone', stoppedReason: 'stopped' },
      { name: 'mariadb-dry', group: 'killpod', target: 'statefulset/openstack/mariadb', stoppedReason: 'stopped' },
      { name: 'exec-all', group: 'nodeexec', target: 'all nodes', stoppedReason: 'stopped' },
    ],
    verification: sampleVerification,
    externalCases: [
      { suite: 'rally', className: 'Dummy', name: 'dummy', timeSeconds: 0.03 },
      { suite: 'rally', className: 'Dummy', name: 'dummy_random_fail_in_atomic', timeSeconds: 0.03, failure: 'Failure rate criteria 0.00% <= 100.00% <= 0.00% - Failed' },
      { suite: 'rally', className: 'Dummy', name: 'dummy_skip', timeSeconds: 0, skipped: 'not applicable' },
    ],
    entries,
    problems: ['interrupted by SIGTERM'],
  };
}
