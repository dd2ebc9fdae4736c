import { describe, expect, it } from 'vitest';
import { mdFence, mdText } from '../../src/ci/markdown.js';
import { maxSummaryRows, renderStepSummary } from '../../src/ci/summary.js';
import type { LogEntry } from '../../src/log/entries.js';
import type { RunReport, VerifyResult } from '../../src/report/types.js';

const t0 = 1_700_000_000_000;
const workload = { kind: 'deployment', namespace: 'openstack', name: 'keystone' } as const;

function bite(at: number, uid: string, name = `keystone-${uid}`, dryRun = false): LogEntry {
  return { kind: 'bite', at, cookie: 'keystone-cookie', tick: 1, dryRun, mode: 'delete', pod: { namespace: 'openstack', name, uid }, nodeName: 'n1', workload, availableBefore: 3, desired: 3 };
}

function recovery(uid: string, recoveredMs: number | undefined): LogEntry {
  return { kind: 'recovery', at: t0 + 90_000, cookie: 'keystone-cookie', pod: { namespace: 'openstack', name: `keystone-${uid}`, uid }, workload, method: 'watch', replacementMs: 1000, recoveredMs, recovered: recoveredMs !== undefined };
}

const failedVerify: VerifyResult = {
  command: ['rally', 'task', 'start', 'task.yaml'],
  shell: false,
  exitCode: 2,
  signal: null,
  timedOut: false,
  cancelled: false,
  failed: true,
  startedAt: t0 + 5_000,
  durationMs: 61_000,
  stdoutTail: 'ok\n',
  stderrTail: 'SLA failed\n```\n</details>\n',
  shortMessage: 'exited with code 2',
};

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: '20231114T221320-abcd1234',
    startedAt: t0,
    finishedAt: t0 + 95_000,
    dryRun: false,
    seed: 42,
    server: 'https://10.0.0.1:6443',
    outcome: 'chaos-failed',
    exitCode: 4,
    interrupted: undefined,
    maxRecoveryMs: 60_000,
    deployCheck: [{ name: 'deployment/openstack/keystone', workload, ready: true, message: '3/3 available', durationMs: 40 }],
    cookies: [{ name: 'keystone-cookie', group: 'killpod', target: 'deployment/openstack/keystone', stoppedReason: 'stopped' }],
    verification: failedVerify,
    externalCases: [
      { suite: 'rally', className: 'Dummy', name: 'dummy', timeSeconds: 1 },
      { suite: 'rally', className: 'Dummy', name: 'random_fail', timeSeconds: 1, failure: 'SLA failure_rate 30% > 0%' },
    ],
    entries: [
      bite(t0 + 10_000, 'a'),
      bite(t0 + 40_000, 'b'),
      bite(t0 + 70_000, 'c', 'evil|name*<b>'),
      { kind: 'skip', at: t0 + 100_000, cookie: 'keystone-cookie', tick: 4, reason: 'only-one-available', message: 'only 1 pod available' },
      recovery('a', 12_300),
      recovery('b', 75_000),
      recovery('c', undefined),
    ],
    problems: ['deployment/openstack/keystone: recovery took 1m15s, over the 60s SLO', 'deployment/openstack/keystone did not recover'],
    ...overrides,
  };
}

/** Column count of a table row: pipes not preceded by a backslash, minus the outer two. */
const columns = (row: string): number => row.split(/(?<!\\)\|/).length - 2;

function tableRows(markdown: string, header: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header}`));
  const rows: string[] = [];
  for (let i = start; i >= 0 && i < lines.length && lines[i]?.startsWith('|'); i += 1) rows.push(lines[i] ?? '');
  return rows;
}

describe('renderStepSummary', () => {
  it('states the verdict, the problems and the SLO', () => {
    const md = renderStepSummary(report());
    expect(md.startsWith('## ❌ Chaos failed (exit 4)\n')).toBe(true);
    expect(md).toContain('| Recovery SLO | 1m |');
    expect(md).toContain('- deployment/openstack/keystone did not recover');
    expect(renderStepSummary(report({ outcome: 'passed', exitCode: 0, problems: [] }))).toMatch(/^## ✅ Chaos test passed \(exit 0\)\n(?![\s\S]*### Problems)/);
  });

  it('lists every kill with its offset and recovery time, flags SLO breaches and unrecovered pods', () => {
    const md = renderStepSummary(report());
    const rows = tableRows(md, 'At | Cookie | Pod');
    expect(rows).toHaveLength(2 + 3);
    expect(rows.map(columns)).toEqual([7, 7, 7, 7, 7]);
    expect(rows[2]).toMatch(/^\| \+10s \| keystone-cookie \| openstack\/keystone-a \| deployment\/keystone \| delete \| 3\/3 \| 12\.3s \|$/);
    expect(rows[3]).toContain('| ⚠️ 1m15s (over 1m) |');
    expect(rows[4]).toContain('| ❌ not recovered |');
  });

  it('escapes pod names so they cannot break the table or inject HTML', () => {
    const md = renderStepSummary(report());
    expect(md).toContain('openstack/evil\\|name\\*&lt;b&gt;');
    expect(md).not.toContain('<b>');
  });

  it('marks dry-run kills as not deleted', () => {
    const md = renderStepSummary(report({ dryRun: true, entries: [bite(t0 + 1000, 'a', 'keystone-a', true)] }));
    expect(md).toContain('### Kills: 1 (dry run)');
    expect(md).toContain('**dry run** (nothing deleted)');
    expect(md).toContain('| — (dry run) |');
  });

  it('says so when nothing was killed, and folds skips away', () => {
    const md = renderStepSummary(report({ entries: [{ kind: 'skip', at: t0, cookie: 'c', tick: 1, reason: 'quorum', message: 'quorum' }] }));
    expect(md).toContain('### Kills: 0\n\nNo pod was killed.');
    expect(md).toContain('<details><summary>Skipped ticks: 1</summary>');
  });

  it('shows the verification result, failed merged cases and the output tails in a fence nothing can close', () => {
    const md = renderStepSummary(report());
    expect(md).toContain('### Verification: ❌ exited with code 2 in 1m1s');
    expect(md).toContain('Merged test cases: 2, failed: 1');
    expect(md).toContain('- Dummy.random\\_fail: SLA failure\\_rate 30% &gt; 0%');
    expect(md).toContain('````text\nSLA failed\n```\n</details>\n````');
  });

  it('bounds the kill table and points at the kill log', () => {
    const many = Array.from({ length: maxSummaryRows + 50 }, (_, i) => bite(t0 + i, `p${i}`));
    const md = renderStepSummary(report({ entries: many }));
    expect(tableRows(md, 'At | Cookie | Pod')).toHaveLength(maxSummaryRows + 2);
    expect(md).toContain('… and 50 more in the kill log.');
  });

  it('shows the deploy check openly when something was not ready', () => {
    const md = renderStepSummary(
      report({ outcome: 'deploy-failed', exitCode: 3, verification: undefined, deployCheck: [{ name: 'deployment/openstack/nova', workload: undefined, ready: false, message: '1/3 available after 5m', durationMs: 300_000 }] }),
    );
    expect(md).toContain('### Deploy check: 0/1 ready');
    expect(md).toContain('| deployment/openstack/nova | **no** | 1/3 available after 5m |');
    expect(md).not.toContain('### Verification');
  });
});

describe('markdown helpers', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['*x* _y_ `z` [l](u) ~s~ #h !i', '\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~s\\~ \\#h \\!i'],
    ['two\nlines\r\nthree', 'two lines three'],
    ['back\\slash', 'back\\\\slash'],
  ])('mdText(%j) → %j', (input, expected) => {
    expect(mdText(input)).toBe(expected);
  });

  it('mdFence picks a fence longer than any backtick run', () => {
    expect(mdFence('plain\n')).toBe('```text\nplain\n```');
    expect(mdFence('a ````` b')).toBe('``````text\na ````` b\n``````');
  });
});
