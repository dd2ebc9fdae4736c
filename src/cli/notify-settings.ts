import { resolveNotifyTargets, validateTemplate, type NotificationSettings } from '../notify/index.js';
import type { CliIo } from './io.js';

export interface NotifyFlags {
  'slack-webhook-file'?: string | undefined;
  'webhook-file'?: string | undefined;
  'notify-template'?: string | undefined;
  events: boolean;
}

/** Webhook URLs from the files or the environment (never from cookie files), the wording, and Events. */
export async function notificationSettings(flags: NotifyFlags, io: Pick<CliIo, 'env' | 'cwd'>): Promise<NotificationSettings> {
  const targets = await resolveNotifyTargets({ env: io.env, cwd: io.cwd, slackWebhookFile: flags['slack-webhook-file'], webhookFile: flags['webhook-file'] });
  const template = flags['notify-template'] === undefined ? undefined : validateTemplate(flags['notify-template'], '--notify-template');
  return { ...targets, template, events: flags.events };
}
