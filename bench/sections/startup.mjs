import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, repoRoot } from '../lib/dist.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { runTimed } from '../lib/proc.mjs';
import { median, round } from '../lib/stats.mjs';

/**
 * Start-up of whole processes, as a CI job pays it: `--help`, `cookies validate`, and a dry run against the fake API
 * server (in its own process), beside bare `node -e 0`. Variants run round-robin so machine noise hits all alike.
 */
export async function runStartup({ quick, log }) {
  const runs = quick ? 3 : 15;
  const dir = await mkdtemp(join(tmpdir(), 'kcm-bench-startup-'));
  const server = await startFakeServerProcess({
    namespaces: [{ name: 'bench', deployments: [{ name: 'api', replicas: 3 }] }],
  });
  try {
    const cookies = join(dir, 'cookies.d');
    await mkdir(join(cookies, 'killpod'), { recursive: true });
    await writeFile(join(cookies, 'killpod', 'api.json'), JSON.stringify({ name: 'api', kind: 'deployment', namespace: 'bench', target: 1, interval: 60 }));
    const env = { PATH: process.env.PATH, HOME: dir };
    const variants = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'cookiemonster --help', args: [binPath, '--help'] },
      { name: 'cookiemonster cookies validate cookies.d', args: [binPath, 'cookies', 'validate', 'cookies.d'] },
      {
        name: 'cookiemonster run --dry-run (fake API server)',
        args: [binPath, 'run', '--dry-run', '--skip-deploy-check', '--kubeconfig', server.kubeconfigPath, '--cookies', cookies,
          '--chaos-duration', '1ms', '--seed', '1', '--junit', join(dir, 'junit.xml'), '--kill-log', join(dir, 'kills.jsonl')],
      },
    ];
    const samples = new Map(variants.map((v) => [v.name, []]));
    const failures = new Map();
    for (let i = 0; i < runs; i++) {
      for (const variant of variants) {
        if (failures.has(variant.name)) continue;
        try {
          const { ms } = await runTimed(process.execPath, variant.args, { cwd: repoRoot, env });
          samples.get(variant.name).push(ms);
        } catch (error) {
          failures.set(variant.name, error.message);
          log(`startup: ${variant.name} failed: ${error.message}`);
        }
      }
    }
    const base = median(samples.get('node -e 0'));
    const results = variants.map(({ name }) => {
      const s = samples.get(name);
      if (failures.has(name)) return { name, error: failures.get(name) };
      const m = median(s);
      return { name, runs: s.length, medianMs: round(m), minMs: round(Math.min(...s)), overNodeMs: round(m - base), ratioToNode: round(m / base) };
    });
    return {
      runs,
      results,
      rows: results.map((r) => (r.error ? [r.name, 'unavailable', '', '', '', ''] : [r.name, r.runs, r.medianMs, r.minMs, r.overNodeMs, r.ratioToNode])),
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const startupHeader = ['process', 'runs', 'median ms', 'min ms', '+ over node ms', '× node'];
