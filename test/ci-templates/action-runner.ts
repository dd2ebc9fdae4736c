import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { parse } from 'yaml';
import { parseGithubOutputFile } from '../ci/github-file-parser.js';
import { run, type Exec } from './helpers.js';

interface CompositeAction {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id: string; shell: string; run: string; env?: Record<string, string>; 'working-directory'?: string }[] };
}

type Contexts = Record<string, Record<string, string | Record<string, Record<string, string>>>>;

function toData(value: unknown): data.ExpressionData {
  if (typeof value === 'string') return new data.StringData(value);
  const dict = new data.Dictionary();
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) dict.add(key, toData(inner));
  return dict;
}

/** Evaluates every `${{ … }}` in `text` with GitHub's expression engine, as the runner does. */
export function substitute(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, source: string) => {
    const lexed = new Lexer(source.trim()).lex();
    const expr = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
    const root = new data.Dictionary(...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })));
    return new Evaluator(expr, root).evaluate().coerceString();
  });
}

export interface ActionRun extends Exec {
  /** The action's outputs, read the way the runner reads the step's $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  summary: string;
  script: string;
}

/**
 * Runs a composite action's single `run:` step like the Actions runner: inputs with their defaults, expressions in
 * `env` and `working-directory` evaluated, the script run by `bash --noprofile --norc -eo pipefail FILE`, then the
 * action outputs evaluated from the step's $GITHUB_OUTPUT.
 */
export async function runCompositeAction(actionPath: string, options: { with: Record<string, string>; workspace: string; temp: string; env?: NodeJS.ProcessEnv }): Promise<ActionRun> {
  const action = parse(await readFile(actionPath, 'utf8')) as CompositeAction;
  if (action.runs.using !== 'composite' || action.runs.steps.length !== 1) throw new Error('expected a composite action with one step');
  const step = action.runs.steps[0]!;
  if (step.shell !== 'bash') throw new Error(`unexpected shell ${step.shell}`);
  if (step.run.includes('${{')) throw new Error('the run script must not splice expressions into shell code');
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, options.with[name] ?? spec.default ?? '']));
  for (const name of Object.keys(options.with)) if (!(name in action.inputs)) throw new Error(`unexpected input ${name}`);
  const contexts: Contexts = { inputs, runner: { temp: options.temp }, github: { workspace: options.workspace } };
  const outputFile = join(options.temp, `output-${step.id}`);
  const summaryFile = join(options.temp, `summary-${step.id}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const scriptFile = join(options.temp, `${step.id}.sh`);
  await writeFile(scriptFile, step.run);
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), contexts)]));
  const cwd = resolve(options.workspace, substitute(step['working-directory'] ?? '.', contexts));
  const result = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
    cwd,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      RUNNER_TEMP: options.temp,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...options.env,
      ...stepEnv,
    },
    timeoutMs: 120_000,
  });
  const stepOutputs = parseGithubOutputFile(await readFile(outputFile, 'utf8'));
  const outputContexts: Contexts = { ...contexts, steps: { [step.id]: { outputs: stepOutputs } } };
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, spec]) => [name, substitute(spec.value, outputContexts)]));
  return { ...result, outputs, summary: await readFile(summaryFile, 'utf8'), script: step.run };
}
