import { CookieError } from '../errors.js';
import type { EntryOf } from '../log/entries.js';

/** The original Cookiemonster's Slack text, placeholders ours. */
export const defaultKillTemplate = 'Eating pod {pod} from namespace {namespace}!!!!  NOM! NOM! NOM!';

export const templateFields = ['pod', 'namespace', 'cookie', 'workload', 'kind', 'node'] as const;
type TemplateField = (typeof templateFields)[number];

const placeholder = /\{([a-zA-Z]+)\}/g;

/** Throws a usage error naming `source` when the template uses a placeholder we don't fill. */
export function validateTemplate(template: string, source: string): string {
  for (const [, name] of template.matchAll(placeholder)) {
    if (!(templateFields as readonly string[]).includes(name ?? '')) {
      throw new CookieError('usage', `${source}: unknown placeholder {${name}}, expected one of ${templateFields.map((f) => `{${f}}`).join(' ')}`);
    }
  }
  if (template.trim() === '') throw new CookieError('usage', `${source}: expected a message template, got an empty one`);
  return template;
}

/** `{pod}` → the victim's name, `{workload}` → `deployment/keystone`, and so on; dry-run kills say so. */
export function renderKillMessage(template: string, bite: EntryOf<'bite'>): string {
  const values: Record<TemplateField, string> = {
    pod: bite.pod.name,
    namespace: bite.pod.namespace,
    cookie: bite.cookie,
    workload: `${bite.workload.kind}/${bite.workload.name}`,
    kind: bite.workload.kind,
    node: bite.nodeName ?? 'unknown node',
  };
  const text = template.replace(placeholder, (whole, name: string) => values[name as TemplateField] ?? whole);
  return bite.dryRun ? `(dry run) ${text}` : text;
}
