import type { Cookie } from '../config/schema.js';
import type { Cluster } from '../kube/types.js';
import type { KillLog } from '../log/entries.js';
import { attachKillEvents } from './events.js';
import { attachNotifier, type Attachment, type NotifierOptions } from './notifier.js';

export { resolveNotifyTargets, type NotifyTargets, type TargetSources } from './targets.js';
export { defaultKillTemplate, renderKillMessage, validateTemplate } from './template.js';
export { postJson, type PostOptions } from './post.js';
export type { Attachment, NotifierOptions } from './notifier.js';
export { attachNotifier } from './notifier.js';
export { attachKillEvents } from './events.js';

export interface NotificationSettings extends NotifierOptions {
  /** `--events`: a Kubernetes Event for every kill (cookies can ask for it one by one with `events: true`). */
  events: boolean;
}

/** Slack, the generic webhook and Kubernetes Events on one kill log; one `flush()` for all of them. */
export function attachNotifications(log: KillLog, deps: { cluster: Cluster; cookies: readonly Cookie[] }, settings: NotificationSettings): Attachment {
  const parts: Attachment[] = [];
  if (settings.slackUrl || settings.webhookUrl) parts.push(attachNotifier(log, deps.cookies, settings));
  if (settings.events || deps.cookies.some((c) => c.group === 'killpod' && c.events)) {
    parts.push(attachKillEvents(log, deps.cluster, { cookies: deps.cookies, all: settings.events }));
  }
  return {
    flush: async () => {
      await Promise.all(parts.map((p) => p.flush()));
    },
    detach: () => parts.forEach((p) => p.detach()),
  };
}
