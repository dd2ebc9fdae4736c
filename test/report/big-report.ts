import type { LogEntry } from '../../src/log/entries.js';
import type { RunReport } from '../../src/report/types.js';
import { sampleReport, t0 } from './sample-report.js';

/** A run with `n` kills spread over `workloads` Deployments, each recovering in 2-9 s. */
export function bigReport(n: number, workloads: number): RunReport {
  const report = sampleReport();
  const entries: LogEntry[] = [];
  for (let i = 0; i < n; i++) {
    const workload = { kind: 'deployment', namespace: 'openstack', name: `service-${i % workloads}` } as const;
    const pod = { namespace: 'openstack', name: `service-${i % workloads}-7d9f-${String(i).padStart(4, '0')}`, uid: `uid-${i}` };
    const at = t0 + 5_000 + i * 1_000;
    entries.push({ kind: 'bite', at, cookie: 'many', tick: i, dryRun: false, mode: 'delete', pod, nodeName: 'node-1', workload, availableBefore: 3, desired: 3 });
    const recoveredMs = 2_000 + (i % 8) * 1_000;
    entries.push({ kind: 'recovery', at: at + recoveredMs, cookie: 'many', pod, workload, method: 'watch', replacementMs: 500, recoveredMs, recovered: true, stages: { accepted: 5, gone: 300, replacement: 500, ready: recoveredMs - 400, available: recoveredMs } });
  }
  return { ...report, finishedAt: t0 + 10_000 + n * 1_000, entries, externalCases: [], cookies: [{ name: 'many', group: 'killpod', target: 'deployment/openstack/*', stoppedReason: 'duration' }] };
}
