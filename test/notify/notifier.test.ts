import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { KillPodCookie } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { createKillLog, entriesOf, type NewEntry } from '../../src/log/entries.js';
import { attachNotifier } from '../../src/notify/notifier.js';
import { startReceiver } from './receiver.js';

const cookie = (name: string, slack: boolean): KillPodCookie => ({
  group: 'killpod', name, source: `${name}.json`, kind: 'deployment', namespace: 'openstack', workload: 'keystone',
  count: { mode: 'fixed', n: 1 }, intervalMs: 30_000, durationMs: 0, slack, fatal: false, events: false, mode: undefined,
  gracePeriodSeconds: undefined, podSelector: undefined, annotations: undefined, podNamePattern: undefined,
  minPodAgeMs: undefined, safety: { minAvailable: 2, quorum: false, allowKubeSystem: false },
});

const bite = (cookieName: string, pod: string, dryRun = false): NewEntry => ({
  kind: 'bite', cookie: cookieName, tick: 0, dryRun, mode: 'delete', pod: { namespace: 'openstack', name: pod, uid: `uid-${pod}` },
  nodeName: 'node-1', workload: { kind: 'deployment', namespace: 'openstack', name: 'keystone' }, availableBefore: 3, desired: 3,
});

const fast = { timeoutMs: 2000, retries: 3, minRetryMs: 0 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('attachNotifier', () => {
  it('posts the original Slack text for cookies with slack: true only', async () => {
    const slack = await startReceiver();
    cleanups.push(slack.close);
    const log = createKillLog(systemClock);
    const n = attachNotifier(log, [cookie('loud', true), cookie('quiet', false)], { slackUrl: slack.url, webhookUrl: undefined, post: fast });
    log.append(bite('loud', 'keystone-abc'));
    log.append(bite('quiet', 'keystone-def'));
    await n.flush();
    expect(slack.received.map((r) => r.body)).toEqual([{ text: 'Eating pod keystone-abc from namespace openstack!!!!  NOM! NOM! NOM!' }]);
  });

  it('retries a failing post and logs each failed attempt as notify-failed', async () => {
    const slack = await startReceiver([500, 503, 200]);
    cleanups.push(slack.close);
    const log = createKillLog(systemClock);
    const n = attachNotifier(log, [cookie('loud', true)], { slackUrl: slack.url, webhookUrl: undefined, post: fast });
    log.append(bite('loud', 'keystone-abc'));
    await n.flush();
    expect(slack.received).toHaveLength(3);
    const failures = entriesOf(log.entries(), 'notify-failed');
    expect(failures.map((f) => f.message)).toEqual([
      'attempt 1: HTTP 500: no_service, retrying',
      'attempt 2: HTTP 503: no_service, retrying',
    ]);
    expect(failures.every((f) => f.channel === 'slack')).toBe(true);
  });

  it('never throws when every attempt fails, and never logs the secret URL', async () => {
    const slack = await startReceiver([500]);
    cleanups.push(slack.close);
    const log = createKillLog(systemClock);
    const n = attachNotifier(log, [cookie('loud', true)], { slackUrl: slack.url, webhookUrl: undefined, post: { ...fast, retries: 2 } });
    log.append(bite('loud', 'keystone-abc'));
    await expect(n.flush()).resolves.toBeUndefined();
    expect(slack.received).toHaveLength(3);
    const failures = entriesOf(log.entries(), 'notify-failed');
    expect(failures).toHaveLength(3);
    expect(failures[2]?.message).toBe('attempt 3: HTTP 500: no_service, giving up');
    expect(JSON.stringify(log.entries())).not.toContain('secret-token');
  });

  it('reports a refused connection without the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const log = createKillLog(systemClock);
    const url = `http://127.0.0.1:${port}/hooks/secret-token`;
    const n = attachNotifier(log, [cookie('loud', true)], { slackUrl: url, webhookUrl: undefined, post: { ...fast, retries: 1 } });
    log.append(bite('loud', 'keystone-abc'));
    await n.flush();
    const messages = entriesOf(log.entries(), 'notify-failed').map((f) => f.message);
    expect(messages).toEqual(['attempt 1: request failed: ECONNREFUSED, retrying', 'attempt 2: request failed: ECONNREFUSED, giving up']);
    expect(messages.join()).not.toContain('secret-token');
  });

  it('times out a webhook that never answers', async () => {
    const { createServer: createHttp } = await import('node:http');
    const hanging = createHttp(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { hanging.closeAllConnections(); hanging.close(() => resolve()); }));
    const { port } = hanging.address() as AddressInfo;
    const log = createKillLog(systemClock);
    const n = attachNotifier(log, [], { slackUrl: undefined, webhookUrl: `http://127.0.0.1:${port}/x`, post: { timeoutMs: 100, retries: 0, minRetryMs: 0 } });
    log.append(bite('any', 'keystone-abc'));
    await n.flush();
    expect(entriesOf(log.entries(), 'notify-failed').map((f) => f.message)).toEqual(['attempt 1: timed out after 100 ms, giving up']);
  });

  it('sends every kill to the generic webhook with the entry and a custom template', async () => {
    const hook = await startReceiver();
    cleanups.push(hook.close);
    const log = createKillLog(systemClock);
    const n = attachNotifier(log, [cookie('quiet', false)], {
      slackUrl: undefined,
      webhookUrl: hook.url,
      template: '{cookie} killed {pod} of {workload} in {namespace} on {node}',
      post: fast,
    });
    log.append(bite('quiet', 'keystone-abc', true));
    log.append({ kind: 'skip', cookie: 'quiet', tick: 1, reason: 'only-one-available', message: 'Only one pod available, doing nothing' });
    await n.flush();
    expect(hook.received).toHaveLength(1);
    const body = hook.received[0]?.body as { text: string; event: string; entry: { pod: { name: string }; dryRun: boolean; time: string } };
    expect(body.text).toBe('(dry run) quiet killed keystone-abc of deployment/keystone in openstack on node-1');
    expect(body.event).toBe('kill');
    expect(body.entry.pod.name).toBe('keystone-abc');
    expect(body.entry.dryRun).toBe(true);
    expect(body.entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('stops posting after detach', async () => {
    const hook = await startReceiver();
    cleanups.push(hook.close);
    const log = createKillLog(systemClock);
    const n = attachNotifier(log, [], { slackUrl: undefined, webhookUrl: hook.url, post: fast });
    n.detach();
    log.append(bite('x', 'keystone-abc'));
    await n.flush();
    expect(hook.received).toHaveLength(0);
  });
});
