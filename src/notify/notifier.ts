import type { Cookie } from '../config/schema.js';
import type { EntryOf, KillLog } from '../log/entries.js';
import { postJson, type PostOptions } from './post.js';
import { defaultKillTemplate, renderKillMessage } from './template.js';
import type { NotifyTargets } from './targets.js';

export interface NotifierOptions extends NotifyTargets {
  /** Message wording; default the original's "Eating pod {pod} from namespace {namespace}!!!!  NOM! NOM! NOM!". */
  template?: string | undefined;
  post?: Omit<PostOptions, 'onFailedAttempt'>;
}

/** Something listening to a kill log in the background. */
export interface Attachment {
  /** Waits for every post still in flight (including its retries). */
  flush(): Promise<void>;
  /** Stops listening; posts in flight go on. */
  detach(): void;
}

/**
 * Posts kills as they are logged: to Slack for cookies with `slack: true`, to the generic webhook for every kill.
 * A failed attempt becomes a `notify-failed` entry; nothing here ever throws into the run.
 */
export function attachNotifier(log: KillLog, cookies: readonly Cookie[], options: NotifierOptions): Attachment {
  const slackCookies = new Set(cookies.filter((c) => c.slack).map((c) => c.name));
  const template = options.template ?? defaultKillTemplate;
  const inFlight = new Set<Promise<void>>();

  const send = (channel: 'slack' | 'webhook', url: string, body: unknown): void => {
    const post = postJson(url, body, {
      ...options.post,
      onFailedAttempt: (message, attempt, retriesLeft) => {
        const next = retriesLeft > 0 ? ', retrying' : ', giving up';
        log.append({ kind: 'notify-failed', channel, message: `attempt ${attempt}: ${message}${next}` });
      },
    }).catch(() => {
      // Already logged attempt by attempt; a notification never fails the run.
    });
    inFlight.add(post);
    void post.finally(() => inFlight.delete(post));
  };

  const onBite = (bite: EntryOf<'bite'>): void => {
    const text = renderKillMessage(template, bite);
    if (options.slackUrl && slackCookies.has(bite.cookie)) send('slack', options.slackUrl, { text });
    if (options.webhookUrl) send('webhook', options.webhookUrl, { text, event: 'kill', entry: { ...bite, time: new Date(bite.at).toISOString() } });
  };

  const detach = log.subscribe((entry) => {
    if (entry.kind === 'bite') onBite(entry);
  });
  return {
    flush: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    detach,
  };
}
