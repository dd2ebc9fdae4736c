import type { Argv } from 'yargs';

/** The notification flags of `run` and `serve`, declared once (the values are checked in notify-settings.ts). */
export function declareNotifyFlags(y: Argv): Argv {
  return y
    .group(['slack-webhook-file', 'webhook-file', 'notify-template', 'events'], 'Notifications:')
    .option('slack-webhook-file', { type: 'string', describe: 'file holding the Slack webhook URL (else $KCM_SLACK_WEBHOOK_URL)' })
    .option('webhook-file', { type: 'string', describe: 'file holding a generic webhook URL (else $KCM_WEBHOOK_URL)' })
    .option('notify-template', { type: 'string', describe: 'message wording with {pod} {namespace} {cookie} {workload} {kind} {node}' })
    .option('events', { type: 'boolean', default: false, describe: 'a Kubernetes Event on the owner workload for every kill' });
}
