import type { LogEntry } from '../log/entries.js';

/** Upper bounds of the recovery-time histogram, in seconds. */
export const recoveryBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

type Labels = Record<string, string>;

interface Histogram {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

/**
 * Prometheus counters fed from kill-log entries as they happen (so they never go down when old jobs are forgotten),
 * rendered in the text exposition format 0.0.4.
 */
export function createMetrics() {
  const counters = new Map<string, { name: string; labels: Labels; value: number }>();
  const histograms = new Map<string, Histogram>();

  const inc = (name: string, labels: Labels): void => {
    const key = `${name}${renderLabels(labels)}`;
    const counter = counters.get(key) ?? { name, labels, value: 0 };
    counter.value++;
    counters.set(key, counter);
  };

  return {
    observe(entry: LogEntry): void {
      switch (entry.kind) {
        case 'bite':
          return inc('cookiemonster_kills_total', { cookie: entry.cookie, dry_run: String(entry.dryRun) });
        case 'skip':
          return inc('cookiemonster_skips_total', { cookie: entry.cookie, reason: entry.reason });
        case 'error':
          return inc('cookiemonster_errors_total', { cookie: entry.cookie ?? '' });
        case 'exec':
          return inc('cookiemonster_exec_total', { cookie: entry.cookie, result: entry.exitCode === 0 ? 'success' : 'failure' });
        case 'probe':
          return entry.ok ? undefined : inc('cookiemonster_probe_failures_total', { probe: entry.probe, phase: entry.phase });
        case 'probe-end':
          return entry.breached ? inc('cookiemonster_probe_breaches_total', { probe: entry.probe, phase: entry.phase }) : undefined;
        case 'chaos-abort':
          return inc('cookiemonster_chaos_aborts_total', { probe: entry.probe });
        case 'notify-failed':
          return inc('cookiemonster_notify_failures_total', { channel: entry.channel });
        case 'recovery': {
          if (!entry.recovered || entry.recoveredMs === undefined) return inc('cookiemonster_unrecovered_total', { cookie: entry.cookie });
          const labels = { cookie: entry.cookie };
          const key = renderLabels(labels);
          const h = histograms.get(key) ?? { labels, counts: recoveryBuckets.map(() => 0), sum: 0, count: 0 };
          const seconds = entry.recoveredMs / 1000;
          recoveryBuckets.forEach((bound, i) => {
            if (seconds <= bound) h.counts[i] = (h.counts[i] ?? 0) + 1;
          });
          h.sum += seconds;
          h.count++;
          histograms.set(key, h);
          return;
        }
        default:
          return;
      }
    },

    render(runningJobs: number): string {
      const lines: string[] = [];
      const help: Record<string, [string, string]> = {
        cookiemonster_kills_total: ['counter', 'Pods killed, by cookie (dry-run kills labelled dry_run="true").'],
        cookiemonster_skips_total: ['counter', 'Ticks that killed nothing, by cookie and reason.'],
        cookiemonster_errors_total: ['counter', 'Cookie errors, by cookie.'],
        cookiemonster_exec_total: ['counter', 'nodeexec commands run, by cookie and result.'],
        cookiemonster_notify_failures_total: ['counter', 'Failed notification attempts, by channel.'],
        cookiemonster_unrecovered_total: ['counter', 'Kills whose workload did not recover in time, by cookie.'],
        cookiemonster_probe_failures_total: ['counter', 'Failed probe samples, by probe and phase.'],
        cookiemonster_probe_breaches_total: ['counter', 'Probe phases whose tolerance was breached, by probe and phase.'],
        cookiemonster_chaos_aborts_total: ['counter', 'Jobs whose chaos a probe with abort: true halted, by probe.'],
      };
      for (const [name, [type, text]] of Object.entries(help)) {
        const series = [...counters.values()].filter((c) => c.name === name);
        lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`);
        for (const c of series) lines.push(`${name}${renderLabels(c.labels)} ${c.value}`);
      }
      lines.push('# HELP cookiemonster_recovery_seconds Time from a kill until the workload was back to its availability.');
      lines.push('# TYPE cookiemonster_recovery_seconds histogram');
      for (const h of histograms.values()) {
        recoveryBuckets.forEach((bound, i) => lines.push(`cookiemonster_recovery_seconds_bucket${renderLabels({ ...h.labels, le: String(bound) })} ${h.counts[i] ?? 0}`));
        lines.push(`cookiemonster_recovery_seconds_bucket${renderLabels({ ...h.labels, le: '+Inf' })} ${h.count}`);
        lines.push(`cookiemonster_recovery_seconds_sum${renderLabels(h.labels)} ${h.sum}`);
        lines.push(`cookiemonster_recovery_seconds_count${renderLabels(h.labels)} ${h.count}`);
      }
      lines.push('# HELP cookiemonster_running_jobs Chaos jobs running now.', '# TYPE cookiemonster_running_jobs gauge', `cookiemonster_running_jobs ${runningJobs}`);
      return `${lines.join('\n')}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

function renderLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
