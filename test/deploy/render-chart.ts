import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * A renderer for exactly the Go-template forms our chart uses, so the chart can be checked without a `helm` binary
 * (none is installable here from Debian or npm). Anything else in a template is an error, which keeps the chart
 * within what this renderer renders exactly as Helm would:
 *   {{ .Values.a.b }}  {{ .Release.Name }}  {{ .Release.Namespace }}  {{ .Chart.Version }}  {{ .Chart.AppVersion }}
 *   {{- toYaml .Values.a | nindent N }}   {{- if .Values.a.enabled }} … {{- end }}   {{/* comment *\/}}
 * plus `{{-` / `-}}` whitespace trimming.
 */

export interface RenderScope {
  Values: Record<string, unknown>;
  Release: { Name: string; Namespace: string };
  Chart: Record<string, unknown>;
}

type Node = { text: string } | { value: string } | { toYaml: string; indent: number } | { if: string; body: Node[] };

const action = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

function tokenize(template: string): Node[] {
  const root: Node[] = [];
  const stack: { body: Node[] }[] = [{ body: root }];
  let last = 0;
  let trimNext = false;
  for (const match of template.matchAll(action)) {
    const [whole, trimLeft, body = '', trimRight] = match;
    let text = template.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (trimLeft) text = text.replace(/\s+$/, '');
    const top = stack.at(-1) as { body: Node[] };
    if (text) top.body.push({ text });
    last = (match.index ?? 0) + whole.length;
    trimNext = trimRight === '-';
    let m: RegExpExecArray | null;
    if (/^\/\*[\s\S]*\*\/$/.test(body)) continue;
    if ((m = /^if (\.[A-Za-z.]+)$/.exec(body))) {
      const node = { if: m[1] as string, body: [] as Node[] };
      top.body.push(node);
      stack.push(node);
    } else if (body === 'end') {
      if (stack.length === 1) throw new Error(`unbalanced {{ end }} at offset ${match.index}`);
      stack.pop();
    } else if ((m = /^toYaml (\.[A-Za-z.]+) \| nindent (\d+)$/.exec(body))) {
      top.body.push({ toYaml: m[1] as string, indent: Number(m[2]) });
    } else if ((m = /^(\.[A-Za-z.]+)$/.exec(body))) {
      top.body.push({ value: m[1] as string });
    } else {
      throw new Error(`unsupported template action {{ ${body} }}`);
    }
  }
  if (stack.length !== 1) throw new Error('{{ if }} without {{ end }}');
  let tail = template.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (tail) root.push({ text: tail });
  return root;
}

function lookup(scope: RenderScope, path: string): unknown {
  let value: unknown = scope;
  for (const key of path.slice(1).split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/** Go's truthiness for `if`: false, 0, "", nil and empty collections are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function emit(nodes: Node[], scope: RenderScope): string {
  return nodes
    .map((node) => {
      if ('text' in node) return node.text;
      if ('if' in node) return truthy(lookup(scope, node.if)) ? emit(node.body, scope) : '';
      if ('value' in node) {
        const value = lookup(scope, node.value);
        if (value === undefined || (value !== null && typeof value === 'object')) throw new Error(`${node.value} is not a scalar value`);
        return String(value);
      }
      // Helm's toYaml drops the final newline; nindent puts a newline first and indents every line.
      const yaml = stringify(lookup(scope, node.toYaml), { lineWidth: 0 }).replace(/\n$/, '');
      return `\n${yaml.split('\n').map((line) => (line ? ' '.repeat(node.indent) + line : line)).join('\n')}`;
    })
    .join('');
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
    return out;
  }
  return over;
}

/** Renders every template of the chart (NOTES.txt and `_` partials excepted), as `helm template` would: file → text. */
export function renderChart(chartDir: string, release: RenderScope['Release'], overrides: Record<string, unknown> = {}): Map<string, string> {
  const values = merge(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')), overrides) as Record<string, unknown>;
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const scope: RenderScope = {
    Values: values,
    Release: release,
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'] },
  };
  const out = new Map<string, string>();
  const dir = join(chartDir, 'templates');
  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith('_') || !/\.ya?ml$/.test(file)) continue;
    out.set(file, emit(tokenize(readFileSync(join(dir, file), 'utf8')), scope));
  }
  return out;
}
