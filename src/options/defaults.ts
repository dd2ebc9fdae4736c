/** Every default of a run, in one place: the CLI, the library, the REST API and server jobs read them from here. */
export const defaults = {
  readyTimeout: '5m',
  /** How long recovery is measured after the cookies stop when neither --recovery-timeout nor --max-recovery is given. */
  recoveryTimeoutMs: 120_000,
  killAfter: '10s',
  execTimeout: '2m',
  concurrency: 10,
  mode: 'delete',
  junit: 'reports/cookiemonster-junit.xml',
  killLog: 'reports/cookiemonster-kills.jsonl',
  html: 'reports/cookiemonster-report.html',
  logFormat: 'text',
  ci: 'auto',
  port: 8080,
  host: '127.0.0.1',
  workerSelector: 'app.kubernetes.io/name=kube-cookiemonster,app.kubernetes.io/component=node-worker',
  workerContainer: 'worker',
  /** Server jobs poll recovery every second (a run polls every 500 ms, core/pipeline.ts). */
  serverRecoveryPollMs: 1000,
} as const;
