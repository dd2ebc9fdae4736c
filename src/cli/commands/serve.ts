import type { Command } from '../command.js';
import { declareNotifyFlags } from '../notify-flags.js';

/** Flags only: zod, the cookie loader, the server and the kube layer are imported when the command runs. */
export const serveCommand: Command = {
  command: 'serve',
  describe: 'Server mode: the original REST routes (/start/killpod/NAME …), /api/v1, a JSON /api/v2, /metrics',
  builder: (y) =>
    declareNotifyFlags(y)
      .option('port', { type: 'number', default: 8080, describe: 'port to listen on' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind; anything but loopback needs a token' })
      .option('kubeconfig', { type: 'string', describe: 'kubeconfig (else $KUBECONFIG, ~/.kube/config, in-cluster)' })
      .option('context', { type: 'string', describe: 'kubeconfig context' })
      .option('cookies', { type: 'string', describe: 'cookie directory or config.yaml (else ./cookies.d, /etc/cookies.d)' })
      .option('token-file', { type: 'string', describe: 'file holding the bearer token for start/stop (else $KCM_SERVER_TOKEN)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'every job deletes nothing (server-side dry run)' })
      .option('mode', { choices: ['delete', 'evict'] as const, default: 'delete' as const, describe: 'kill by DELETE or through the eviction API' })
      .option('grace-period', { type: 'string', describe: "termination grace period (default: the pod's own)" })
      .option('allow-kube-system', { type: 'boolean', default: false, describe: 'allow cookies in kube-system' })
      .option('seed', { type: 'number', describe: 'seed for the jobs’ seeds (each job logs its own)' })
      .option('max-recovery', { type: 'string', describe: 'recovery SLO per kill; a job breaching it ends chaos-failed' })
      .option('recovery-timeout', { type: 'string', describe: 'how long a stopped job keeps measuring recovery (default: --max-recovery, else 2m)' })
      .option('kill-log-dir', { type: 'string', describe: 'also append each job’s kill log to DIR/<job id>.jsonl' })
      .option('log-format', { choices: ['text', 'legacy', 'json'] as const, default: 'text' as const, describe: 'log style (legacy: the original wording)' })
      .option('worker-namespace', { type: 'string', describe: 'namespace of the nodeexec worker DaemonSet (default: $POD_NAMESPACE, else cookiemonster)' })
      .option('worker-selector', { type: 'string', default: 'app.kubernetes.io/name=kube-cookiemonster,app.kubernetes.io/component=node-worker', describe: 'label selector of the worker pods' })
      .option('worker-container', { type: 'string', default: 'worker', describe: 'container to exec into ("" = the only one)' })
      .option('exec-timeout', { type: 'string', default: '2m', describe: 'timeout of each nodeexec command' })
      .option('demo', { type: 'boolean', default: false, describe: 'serve against the built-in simulated cluster of `demo` (its cookies unless --cookies): try the REST API without a cluster' })
      .example('$0 serve --demo', 'the REST API on the simulated cluster; then: curl localhost:8080/start/killpod/horizon')
      .example('$0 serve', 'listen on 127.0.0.1:8080; then: curl localhost:8080/start/killpod/NAME')
      .example('KCM_SERVER_TOKEN=… $0 serve --host 0.0.0.0', 'in a cluster (see deploy/)'),
  run: async (raw, io) => (await import('../serve-main.js')).serveMain(raw, io),
};
