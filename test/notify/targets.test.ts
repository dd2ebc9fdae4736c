import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveNotifyTargets } from '../../src/notify/targets.js';

describe('resolveNotifyTargets', () => {
  it('reads URLs from the environment', async () => {
    const env = { KCM_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/A/B/C', KCM_WEBHOOK_URL: 'http://hook.local/x' };
    expect(await resolveNotifyTargets({ env, cwd: '/' })).toEqual({ slackUrl: env.KCM_SLACK_WEBHOOK_URL, webhookUrl: env.KCM_WEBHOOK_URL });
  });

  it('prefers a secret file over the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kcm-notify-'));
    await writeFile(join(dir, 'slack-url'), 'https://hooks.slack.com/services/FROM/FILE/X\n');
    const targets = await resolveNotifyTargets({ env: { KCM_SLACK_WEBHOOK_URL: 'https://env.example/x' }, cwd: dir, slackWebhookFile: 'slack-url' });
    expect(targets).toEqual({ slackUrl: 'https://hooks.slack.com/services/FROM/FILE/X', webhookUrl: undefined });
  });

  it('names the source of a bad value without echoing it', async () => {
    await expect(resolveNotifyTargets({ env: { KCM_WEBHOOK_URL: 'xoxb-secret-token' }, cwd: '/' })).rejects.toThrow(
      '$KCM_WEBHOOK_URL: expected an http(s) webhook URL, got a value that is not one (not shown: it may be a secret)',
    );
    await expect(resolveNotifyTargets({ env: {}, cwd: '/nonexistent', slackWebhookFile: 'nope' })).rejects.toThrow(
      '--slack-webhook-file nope: cannot read the file (ENOENT)',
    );
  });

  it('is empty when nothing is configured', async () => {
    expect(await resolveNotifyTargets({ env: { KCM_WEBHOOK_URL: '  ' }, cwd: '/' })).toEqual({ slackUrl: undefined, webhookUrl: undefined });
  });
});
