import { createRequire } from 'node:module';
import { NoOperationTraceWriter, parseWorkflow, convertWorkflowTemplate } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const actionValidator = require('@action-validator/core') as {
  validateAction(src: string): { errors: unknown[] };
  validateWorkflow(src: string): { errors: unknown[] };
};

/** GitHub's own parser (the one behind the Actions editor): schema, expressions, then the semantic conversion. */
export async function workflowParserErrors(kind: 'workflow' | 'action', name: string, content: string): Promise<string[]> {
  const file = { name, content };
  const result = kind === 'workflow' ? parseWorkflow(file, new NoOperationTraceWriter()) : parseAction(file, new NoOperationTraceWriter());
  const messages = result.context.errors.getErrors().map((e) => e.message);
  if (messages.length > 0 || !result.value) return messages;
  if (kind === 'workflow') {
    const template = await convertWorkflowTemplate(result.context, result.value);
    messages.push(...(template.errors ?? []).map((e) => e.Message));
  } else {
    await convertActionTemplate(result.context, result.value);
  }
  return [...new Set([...messages, ...result.context.errors.getErrors().map((e) => e.message)])];
}

/** action-validator (SchemaStore schemas, wasm), in-process. */
export function actionValidatorErrors(kind: 'workflow' | 'action', content: string): string[] {
  const state = kind === 'workflow' ? actionValidator.validateWorkflow(content) : actionValidator.validateAction(content);
  return state.errors.map((e) => JSON.stringify(e));
}

interface ActionFile {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { steps: { id?: string; run?: string; env?: Record<string, string> }[] };
}

/**
 * What neither validator checks: `inputs.X` in expressions must be declared inputs (and every input used),
 * outputs must come from the run step, and a workflow may only pass declared inputs and read declared outputs.
 */
export function crossCheckAction(actionYaml: string, workflowYaml?: string): string[] {
  const action = parse(actionYaml) as ActionFile;
  const problems: string[] = [];
  const declared = new Set(Object.keys(action.inputs));
  const used = new Set([...actionYaml.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)].map((m) => m[1] ?? ''));
  for (const name of used) if (!declared.has(name)) problems.push(`action.yml uses undeclared input "${name}"`);
  for (const name of declared) if (!used.has(name)) problems.push(`action.yml declares input "${name}" but never uses it`);
  const stepIds = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
  for (const [name, output] of Object.entries(action.outputs)) {
    const m = /^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(output.value);
    if (!m || !stepIds.has(m[1] ?? '')) problems.push(`action output "${name}" does not read a step output: ${output.value}`);
    else if (m[2] !== name) problems.push(`action output "${name}" reads step output "${m[2]}"`);
  }
  if (workflowYaml !== undefined) {
    const workflow = parse(workflowYaml) as { jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }> };
    for (const job of Object.values(workflow.jobs)) {
      const ours = job.steps.filter((s) => s.uses?.includes('kube-cookiemonster'));
      if (ours.length === 0) problems.push('the workflow never uses the action');
      for (const step of ours) {
        for (const key of Object.keys(step.with ?? {})) if (!declared.has(key)) problems.push(`workflow passes undeclared input "${key}"`);
        const reads = [...workflowYaml.matchAll(new RegExp(`steps\\.${step.id ?? '-'}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g'))].map((m) => m[1] ?? '');
        for (const name of reads) if (!(name in action.outputs)) problems.push(`workflow reads undeclared output "${name}"`);
      }
    }
  }
  return problems;
}
