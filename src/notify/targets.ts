import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CookieError } from '../errors.js';

/** Where notifications go. URLs are secrets (Slack's carries its token): never log them. */
export interface NotifyTargets {
  slackUrl: string | undefined;
  webhookUrl: string | undefined;
}

export interface TargetSources {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** --slack-webhook-file: a file holding the Slack incoming-webhook URL (e.g. a mounted Secret). */
  slackWebhookFile?: string | undefined;
  /** --webhook-file: a file holding the generic webhook URL. */
  webhookFile?: string | undefined;
}

/** A file flag wins over its environment variable (KCM_SLACK_WEBHOOK_URL, KCM_WEBHOOK_URL); cookie files never hold URLs. */
export async function resolveNotifyTargets(sources: TargetSources): Promise<NotifyTargets> {
  const slackUrl = await fromFileOrEnv('--slack-webhook-file', sources.slackWebhookFile, 'KCM_SLACK_WEBHOOK_URL', sources);
  const webhookUrl = await fromFileOrEnv('--webhook-file', sources.webhookFile, 'KCM_WEBHOOK_URL', sources);
  return { slackUrl, webhookUrl };
}

async function fromFileOrEnv(flag: string, file: string | undefined, variable: string, sources: TargetSources): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(sources.cwd, file), 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new CookieError('usage', `${flag} ${file}: cannot read the file (${code})`);
    }
    return checkUrl(text.trim(), `${flag} ${file}`);
  }
  const value = sources.env[variable]?.trim();
  return value ? checkUrl(value, `$${variable}`) : undefined;
}

/** The message names where the URL came from and never echoes it. */
function checkUrl(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new CookieError('usage', `${source}: expected an http(s) webhook URL, got a value that is not one (not shown: it may be a secret)`);
  }
  return value;
}
