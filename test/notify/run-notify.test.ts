import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { startTestApiServer, type TestApiServer } from '../helpers/fake-apiserver.js';
import { cli } from '../server/cli-io.js';
import { cookieDir, fastKillpod } from '../server/harness.js';
import { startReceiver } from './receiver.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** A scratch directory holding a kubeconfig for `api`. */
async function scratchWith(api: TestApiServer): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'kcm-run-notify-'));
  await api.writeKubeconfig(join(work, 'kubeconfig'));
  return work;
}

/** A fake API server with openstack/keystone (5 replicas; replacements Ready after the status lag, as a kubelet would) and a scratch directory for it. */
async function keystoneWorkspace(): Promise<{ api: TestApiServer; work: string }> {
  const api = await startTestApiServer({ controllers: { replaceDelayMs: 20, readyDelayMs: 150 } });
  closers.push(api.close);
  api.sim.addDeployment({ namespace: 'openstack', name: 'keystone', replicas: 5 });
  return { api, work: await scratchWith(api) };
}

async function killLog(work: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(work, 'reports/cookiemonster-kills.jsonl'), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('notifications in `cookiemonster run` (the one-step runner)', () => {
  it('posts kills of `slack: true` cookies to $KCM_SLACK_WEBHOOK_URL, retries a failed post, and still passes', async () => {
    const { api, work } = await keystoneWorkspace();
    api.sim.addDeployment({ namespace: 'openstack', name: 'glance', replicas: 5 });
    const slack = await startReceiver([500, 200]);
    closers.push(slack.close);
    const root = await cookieDir({
      'killpod/loud.json': fastKillpod({ interval: 30, slack: true }),
      'killpod/quiet.json': fastKillpod({ name: 'glance', interval: 30, slack: false }),
    });
    const run = cli(
      ['run', '--kubeconfig', 'kubeconfig', '--cookies', root, '--cookie', 'loud', '--cookie', 'quiet', '--chaos-duration', '300ms', '--max-recovery', '5s', '--ci', 'plain', '--seed', '5'],
      { cwd: work, env: { KCM_SLACK_WEBHOOK_URL: slack.url } },
    );
    expect(await run.done).toBe(ExitCode.passed);
    const entries = await killLog(work);
    const loud = entries.filter((e) => e['kind'] === 'bite' && e['cookie'] === 'loud') as { pod: { name: string } }[];
    expect(loud).toHaveLength(1);
    const text = `Eating pod ${loud[0]?.pod.name} from namespace openstack!!!!  NOM! NOM! NOM!`;
    // One failed attempt, then the retry; the quiet cookie's kill is not posted.
    expect(slack.received.map((r) => r.body)).toEqual([{ text }, { text }]);
    expect(entries.filter((e) => e['kind'] === 'notify-failed')).toEqual([expect.objectContaining({ channel: 'slack', message: 'attempt 1: HTTP 500: no_service, retrying' })]);
    expect(JSON.stringify(entries)).not.toContain(slack.url);
    expect(run.out()).not.toContain('secret-token');
  });

  it('a webhook that always fails: every attempt is in the kill log before run-end, and the run still passes', async () => {
    const { api, work } = await keystoneWorkspace();
    const hook = await startReceiver([503]);
    closers.push(hook.close);
    const root = await cookieDir({ 'killpod/loud.json': fastKillpod({ interval: 30 }) });
    const run = cli(['run', '--kubeconfig', 'kubeconfig', '--cookies', root, '--chaos-duration', '100ms', '--skip-deploy-check', '--ci', 'plain'], {
      cwd: work,
      env: { KCM_WEBHOOK_URL: hook.url },
    });
    expect(await run.done).toBe(ExitCode.passed);
    const entries = await killLog(work);
    const failures = entries.filter((e) => e['kind'] === 'notify-failed');
    expect(failures.length).toBe(hook.received.length);
    expect(failures.length).toBeGreaterThan(1);
    expect(entries.at(-1)).toMatchObject({ kind: 'run-end', outcome: 'passed' });
  });

  it('--webhook-file, --notify-template and --events: the templated text to the webhook, an Event per kill', async () => {
    const { api, work } = await keystoneWorkspace();
    const hook = await startReceiver([200]);
    closers.push(hook.close);
    await writeFile(join(work, 'webhook-url'), `${hook.url}\n`);
    const root = await cookieDir({ 'killpod/loud.json': fastKillpod({ interval: 30 }) });
    const run = cli(
      ['run', '--kubeconfig', 'kubeconfig', '--cookies', root, '--chaos-duration', '300ms', '--ci', 'plain', '--webhook-file', 'webhook-url', '--notify-template', '{cookie} ate {namespace}/{pod}', '--events'],
      { cwd: work, env: {} },
    );
    expect(await run.done).toBe(ExitCode.passed);
    const entries = await killLog(work);
    const bites = entries.filter((e) => e['kind'] === 'bite') as { pod: { name: string } }[];
    expect(bites).toHaveLength(1);
    expect(hook.received.map((r) => (r.body as { text: string }).text)).toEqual([`loud ate openstack/${bites[0]?.pod.name}`]);
    expect(api.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/openstack/events')).toHaveLength(1);
  });

  it('refuses a webhook variable that is not a URL without echoing it', async () => {
    const api = await startTestApiServer();
    closers.push(api.close);
    const work = await scratchWith(api);
    const root = await cookieDir({ 'killpod/a.json': fastKillpod() });
    const run = cli(['run', '--kubeconfig', 'kubeconfig', '--cookies', root, '--chaos-duration', '100ms', '--skip-deploy-check', '--ci', 'plain'], { cwd: work, env: { KCM_WEBHOOK_URL: 'xoxb-not-a-url' } });
    expect(await run.done).toBe(ExitCode.usage);
    expect(run.err()).toContain('cookiemonster: $KCM_WEBHOOK_URL: expected an http(s) webhook URL, got a value that is not one (not shown: it may be a secret)');
    expect(run.err() + run.out()).not.toContain('xoxb-not-a-url');
  });
});
