import { join } from 'node:path';
import { repoRoot, run, type Exec } from './helpers.js';

/** npm-groovy-lint 16.2.0 (CodeNarc, Java 17): Groovy syntax. Always --noserver, and fail on errors only. */
export async function groovyLint(files: string[], cwd: string): Promise<Exec> {
  const bin = join(repoRoot, 'node_modules/npm-groovy-lint/lib/index.js');
  const result = await run(process.execPath, [bin, '--noserver', '--failon', 'error', '--output', 'txt', ...files], { cwd, env: { PATH: process.env['PATH'], HOME: process.env['HOME'] }, timeoutMs: 90_000 });
  const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
  return { ...result, stdout: plain(result.stdout), stderr: plain(result.stderr) };
}

export interface OutlineNode {
  key: string;
  line: number;
  children: OutlineNode[];
}

/** Blanks comments and string contents (keeping newlines), so braces and keys can be read structurally. */
function blankStringsAndComments(text: string): string {
  return text.replace(/'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match) =>
    match.startsWith('//') || match.startsWith('/*') ? match.replace(/[^\n]/g, ' ') : `""${match.replace(/[^\n]/g, '')}`,
  );
}

/** The block structure of a Jenkinsfile: each statement's leading identifier, nested by braces. */
export function outline(groovy: string): OutlineNode {
  const text = blankStringsAndComments(groovy);
  const root: OutlineNode = { key: '<root>', line: 0, children: [] };
  const stack = [root];
  let current: OutlineNode | undefined;
  let parens = 0;
  let line = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    if (c === '\n') {
      line += 1;
      if (parens === 0) current = undefined;
    } else if (c === '(' || c === '[') {
      parens += 1;
    } else if (c === ')' || c === ']') {
      parens -= 1;
    } else if (parens > 0) {
      continue;
    } else if (c === ';') {
      current = undefined;
    } else if (c === '{') {
      const node = current ?? { key: '<closure>', line, children: [] };
      if (!current) stack.at(-1)?.children.push(node);
      stack.push(node);
      current = undefined;
    } else if (c === '}') {
      stack.pop();
      current = undefined;
    } else if (current === undefined && /[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0] ?? c;
      current = { key: word, line, children: [] };
      stack.at(-1)?.children.push(current);
      i += word.length - 1;
    }
  }
  if (stack.length !== 1 || parens !== 0) root.children.push({ key: '<unbalanced>', line, children: [] });
  return root;
}

const directives: Record<string, { allowed: string[]; required: string[] }> = {
  pipeline: { allowed: ['agent', 'environment', 'options', 'parameters', 'triggers', 'tools', 'stages', 'post', 'libraries'], required: ['agent', 'stages'] },
  stage: { allowed: ['agent', 'environment', 'options', 'when', 'input', 'tools', 'steps', 'stages', 'parallel', 'matrix', 'post', 'failFast'], required: [] },
  post: { allowed: ['always', 'changed', 'fixed', 'regression', 'aborted', 'failure', 'success', 'unstable', 'unsuccessful', 'cleanup'], required: [] },
};

/** Declarative-pipeline structure, which the Groovy linter does not check (`agnet any` is valid Groovy). */
export function declarativeProblems(groovy: string): string[] {
  const root = outline(groovy);
  const problems: string[] = [];
  if (root.children.some((n) => n.key === '<unbalanced>')) problems.push('unbalanced braces or brackets');
  const pipelines = root.children.filter((n) => n.key === 'pipeline');
  if (pipelines.length !== 1 || root.children.length !== 1) problems.push(`expected one top-level pipeline block, found: ${root.children.map((n) => n.key).join(', ')}`);
  const visit = (node: OutlineNode): void => {
    const rule = directives[node.key];
    if (rule) {
      for (const child of node.children) if (!rule.allowed.includes(child.key)) problems.push(`line ${child.line}: "${child.key}" is not a ${node.key} directive`);
      for (const key of rule.required) if (!node.children.some((c) => c.key === key)) problems.push(`line ${node.line}: ${node.key} has no ${key}`);
    }
    if (node.key === 'stages') for (const child of node.children) if (child.key !== 'stage') problems.push(`line ${child.line}: "${child.key}" inside stages is not a stage`);
    if (node.key === 'stage' && node.children.filter((c) => ['steps', 'stages', 'parallel', 'matrix'].includes(c.key)).length !== 1) {
      problems.push(`line ${node.line}: a stage needs exactly one of steps, stages, parallel or matrix`);
    }
    node.children.forEach(visit);
  };
  pipelines.forEach(visit);
  return problems;
}

/** Groovy single-quoted string escapes: `\\`, `\'`, `\n`, `\t`, and backslash-newline as a line continuation. */
function unescapeGroovy(text: string): string {
  return text.replace(/\\(\n|.)/g, (_all, c: string) => ({ '\n': '', n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

export interface ShellStep {
  script: string;
  line: number;
  /** Enclosing block keys, outermost first. */
  path: string[];
}

/** Every `sh '…'` / `sh '''…'''` step with its script as the shell receives it. Double-quoted (GString) steps are refused. */
export function shellSteps(groovy: string): ShellStep[] {
  if (/\bsh\s*\(?\s*"/.test(groovy)) throw new Error('an sh step uses a double-quoted GString: Groovy would interpolate $VARS itself');
  const paths: string[][] = [];
  const walk = (node: OutlineNode, path: string[]): void => {
    for (const child of node.children) {
      if (child.key === 'sh') paths.push([...path, child.key]);
      walk(child, [...path, child.key]);
    }
  };
  walk(outline(groovy), []);
  const steps = [...groovy.matchAll(/\bsh\s*\(?\s*(?:'''([\s\S]*?)'''|'((?:[^'\\\n]|\\.)*)')/g)].map((m, index) => ({
    script: unescapeGroovy(m[1] ?? m[2] ?? ''),
    line: groovy.slice(0, m.index).split('\n').length,
    path: paths[index] ?? [],
  }));
  if (steps.length !== paths.length) throw new Error(`found ${steps.length} sh strings but ${paths.length} sh statements`);
  return steps;
}

/** `KEY = 'value'` lines of the pipeline-level environment block, and `string(name: …, defaultValue: …)` parameters. */
export function pipelineEnvironment(groovy: string): Record<string, string> {
  const env: Record<string, string> = {};
  const block = /\n {4}environment \{([\s\S]*?)\n {4}\}/.exec(groovy)?.[1] ?? '';
  for (const m of block.matchAll(/^\s*([A-Z_][A-Z0-9_]*)\s*=\s*'([^']*)'/gm)) env[m[1] ?? ''] = m[2] ?? '';
  for (const m of groovy.matchAll(/string\(name: '([^']+)', defaultValue: '([^']*)'/g)) env[m[1] ?? ''] = m[2] ?? '';
  return env;
}
