import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { durationField, expected } from '../../config/fields.js';
import { formatPath } from '../../config/issues.js';
import { findCookieRoot, loadCookies } from '../../config/load.js';
import { legacyTimestamp } from '../../log/format.js';
import { randomSeed, seededRng } from '../../core/rng.js';
import { CookieError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { createCluster } from '../../kube/index.js';
import type { PodExec } from '../../kube/exec.js';
import { parseSelectorString } from '../../kube/selector.js';
import type { NotificationSettings } from '../../notify/index.js';
import type { Command, Flags } from '../command.js';
import type { CliIo } from '../io.js';

const serveFlags = z.object({
  port: z.number({ error: expected('a port number') }).int({ error: expected('a port number') }).min(0, { error: expected('a port 0-65535') }).max(65535, { error: expected('a port 0-65535') }),
  host: z.string().min(1),
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  cookies: z.string().optional(),
  'token-file': z.string().optional(),
  'dry-run': z.boolean(),
  mode: z.enum(['delete', 'evict']),
  'grace-period': durationField('a duration like "30s"').optional(),
  'allow-kube-system': z.boolean(),
  seed: z.number({ error: expected('a whole number') }).int({ error: expected('a whole number') }).min(0, { error: expected('a whole number ≥ 0') }).optional(),
  'max-recovery': durationField('a positive duration like "60s"', { min: 1 }).optional(),
  'recovery-timeout': durationField('a duration like "2m"').optional(),
  'kill-log-dir': z.string().optional(),
  'log-format': z.enum(['text', 'legacy', 'json']),
  'slack-webhook-file': z.string().optional(),
  'webhook-file': z.string().optional(),
  'notify-template': z.string().optional(),
  events: z.boolean(),
  'worker-namespace': z.string().optional(),
  'worker-selector': z.string().min(1),
  'worker-container': z.string(),
  'exec-timeout': durationField('a positive duration like "2m"', { min: 1 }),
});

export const serveCommand: Command = {
  command: 'serve',
  describe: 'Server mode: the original REST routes (/start/killpod/NAME …), /api/v1, a JSON /api/v2, /metrics',
  builder: (y) =>
    y
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
      .option('slack-webhook-file', { type: 'string', describe: 'file holding the Slack webhook URL (else $KCM_SLACK_WEBHOOK_URL)' })
      .option('webhook-file', { type: 'string', describe: 'file holding a generic webhook URL (else $KCM_WEBHOOK_URL)' })
      .option('notify-template', { type: 'string', describe: 'message wording with {pod} {namespace} {cookie} {workload} {kind} {node}' })
      .option('events', { type: 'boolean', default: false, describe: 'a Kubernetes Event on the owner workload for every kill' })
      .option('worker-namespace', { type: 'string', describe: 'namespace of the nodeexec worker DaemonSet (default: $POD_NAMESPACE, else cookiemonster)' })
      .option('worker-selector', { type: 'string', default: 'app.kubernetes.io/name=kube-cookiemonster,app.kubernetes.io/component=node-worker', describe: 'label selector of the worker pods' })
      .option('worker-container', { type: 'string', default: 'worker', describe: 'container to exec into ("" = the only one)' })
      .option('exec-timeout', { type: 'string', default: '2m', describe: 'timeout of each nodeexec command' })
      .example('$0 serve', 'listen on 127.0.0.1:8080; then: curl localhost:8080/start/killpod/NAME')
      .example('KCM_SERVER_TOKEN=… $0 serve --host 0.0.0.0', 'in a cluster (see deploy/)'),
  run: async (raw, io) => {
    const flags = parseFlags(raw);
    // Loaded here, not at the top: `--help` of every command stays fast.
    const [{ createServer }, { createNodeExecRunner }] = await Promise.all([import('../../server/server.js'), import('../../core/cookies/nodeexec.js')]);
    const say = (line: string): void => io.stderr(`${legacyTimestamp(Date.now())} ${line}\n`);
    const token = await readToken(flags['token-file'], io);
    const root = findCookieRoot(flags.cookies, io.cwd);
    say(`checking directory: ${root ?? `${resolve(io.cwd, 'cookies.d')} and /etc/cookies.d (neither exists)`}`);
    const loaded = await loadCookies(root, io.cwd);
    for (const cookie of loaded.cookies) say(`loading ${cookie.group}/${cookie.name}`);
    for (const problem of loaded.problems) say(`warning: ${problem} (the server re-reads cookies on every request)`);
    const notifications = await notificationSettings(flags, io);
    const kube = { kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd };
    const cluster = await createCluster(kube);
    const self = io.env['POD_NAME'] && io.env['POD_NAMESPACE'] ? { name: io.env['POD_NAME'], namespace: io.env['POD_NAMESPACE'] } : undefined;
    let exec: Promise<PodExec> | undefined;
    const nodeExec = createNodeExecRunner({
      exec: async (request) => {
        exec ??= import('../../kube/exec.js').then((m) => m.createPodExec(kube));
        return (await exec)(request);
      },
      namespace: flags['worker-namespace'] ?? io.env['POD_NAMESPACE'] ?? 'cookiemonster',
      selector: parseSelectorString(flags['worker-selector']),
      container: flags['worker-container'] || undefined,
      timeoutMs: flags['exec-timeout'],
    });
    const server = createServer({
      cluster,
      rng: seededRng(flags.seed ?? randomSeed()),
      cookieRoot: root,
      cwd: io.cwd,
      bite: {
        dryRun: flags['dry-run'],
        mode: flags.mode,
        gracePeriodSeconds: flags['grace-period'] === undefined ? undefined : Math.round(flags['grace-period'] / 1000),
        allowKubeSystem: flags['allow-kube-system'],
        self,
      },
      nodeExec,
      token,
      log: (line) => io.stderr(`${line}\n`),
      logFormat: flags['log-format'],
      notifications,
      killLogDir: flags['kill-log-dir'] === undefined ? undefined : resolve(io.cwd, flags['kill-log-dir']),
      maxRecoveryMs: flags['max-recovery'],
      recoveryTimeoutMs: flags['recovery-timeout'],
    });
    const url = await server.listen(flags.port, flags.host);
    say(`serving on ${url} against ${cluster.server}${token ? ' (start/stop need the bearer token)' : ''}${self ? `; never killing ${self.namespace}/${self.name}` : ''}`);
    await new Promise<void>((resolveAbort) => {
      if (io.signal.aborted) resolveAbort();
      else io.signal.addEventListener('abort', () => resolveAbort(), { once: true });
    });
    say(`${io.interruptSignal() ?? 'signal'} received: stopping every job and flushing kill logs`);
    await server.close();
    say('stopped');
    return ExitCode.passed;
  },
};

type ServeFlags = z.output<typeof serveFlags>;

function parseFlags(raw: Flags): ServeFlags {
  const parsed = serveFlags.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${formatPath(issue.path)}: ${issue.message}`);
    throw new CookieError('usage', problems[0] ?? 'invalid flags', { details: { problems } });
  }
  return parsed.data;
}

/** --token-file wins over $KCM_SERVER_TOKEN; an empty token is refused rather than silently disabling auth. */
export async function readToken(file: string | undefined, io: CliIo): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new CookieError('usage', `--token-file ${file}: cannot read the file (${(error as { code?: string }).code ?? 'unreadable'})`);
    }
    const token = text.trim();
    if (!token) throw new CookieError('usage', `--token-file ${file}: expected a token, found an empty file`);
    return token;
  }
  const fromEnv = io.env['KCM_SERVER_TOKEN']?.trim();
  if (io.env['KCM_SERVER_TOKEN'] !== undefined && !fromEnv) throw new CookieError('usage', '$KCM_SERVER_TOKEN: expected a token, found an empty value');
  return fromEnv;
}

async function notificationSettings(flags: ServeFlags, io: CliIo): Promise<NotificationSettings> {
  const { resolveNotifyTargets, validateTemplate } = await import('../../notify/index.js');
  const targets = await resolveNotifyTargets({ env: io.env, cwd: io.cwd, slackWebhookFile: flags['slack-webhook-file'], webhookFile: flags['webhook-file'] });
  const template = flags['notify-template'] === undefined ? undefined : validateTemplate(flags['notify-template'], '--notify-template');
  return { ...targets, template, events: flags.events };
}
