import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');
const clientNode = '@kubernetes/client-node';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Module specifiers a file loads at runtime when it is imported: static imports and re-exports, not `import type`. */
function staticImports(text: string): string[] {
  const found: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

/** Every mention of a module, including dynamic `import('…')`. */
function anyImports(text: string): string[] {
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  const typeOnly = [...text.matchAll(/^\s*(?:import|export)\s+type\s[^'";]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
  return [...staticImports(text), ...dynamic, ...typeOnly];
}

describe('only src/kube/ talks to @kubernetes/client-node', () => {
  it('no file outside src/kube/ imports it, even for types', () => {
    const offenders = sourceFiles(src)
      .filter((file) => !file.startsWith(join(src, 'kube') + '/'))
      .filter((file) => anyImports(readFileSync(file, 'utf8')).some((spec) => spec === clientNode || spec.startsWith(`${clientNode}/`)))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it.each(['src/kube/index.ts', 'src/index.ts', 'src/cli/main.ts', 'src/bin.ts'])('importing %s does not load it (lazy import only)', (entry) => {
    const seen = new Set<string>();
    const chains: string[] = [];
    const visit = (file: string, chain: string[]): void => {
      if (seen.has(file)) return;
      seen.add(file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return;
      }
      for (const spec of staticImports(text)) {
        if (spec === clientNode || spec.startsWith(`${clientNode}/`)) chains.push([...chain, relative(root, file)].join(' → '));
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), [...chain, relative(root, file)]);
      }
    };
    visit(join(root, entry), []);
    expect(seen.size).toBeGreaterThan(0);
    expect(chains).toEqual([]);
  });

  it('the scanner sees what it must see', () => {
    expect(staticImports(`import * as k8s from '${clientNode}';\nimport type { X } from 'typed';\nimport {\n  a,\n  b,\n} from './multi.js';\nexport { c } from './re.js';\nimport './side.js';`)).toEqual([
      clientNode,
      './multi.js',
      './re.js',
      './side.js',
    ]);
    expect(anyImports(`const m = await import('${clientNode}');`)).toEqual([clientNode]);
  });
});
