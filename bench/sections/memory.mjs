import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binPath, repoRoot } from '../lib/dist.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { runTimed } from '../lib/proc.mjs';
import { round } from '../lib/stats.mjs';

const probe = fileURLToPath(new URL('../lib/rss-probe.mjs', import.meta.url));

/**
 * Peak RSS of the CLI as a child process: a dry run whose cookie lists a Deployment of 10,000 pods on every tick,
 * with the fake API server in a separate process. `--help` in the same way gives the process's own floor.
 */
export async function runMemory({ quick, log, pods = 10_000 }) {
  const dir = await mkdtemp(join(tmpdir(), 'kcm-bench-memory-'));
  const server = await startFakeServerProcess({ namespaces: [{ name: 'bench', deployments: [{ name: 'big', replicas: pods }] }] });
  try {
    const cookies = join(dir, 'cookies.d');
    await mkdir(join(cookies, 'killpod'), { recursive: true });
    await writeFile(join(cookies, 'killpod', 'big.json'), JSON.stringify({ name: 'big', kind: 'deployment', namespace: 'bench', target: 1, interval: 1 }));
    const chaos = quick ? '2s' : '5s';
    const help = await peakRss(dir, [binPath, '--help']);
    const run = await peakRss(dir, [binPath, 'run', '--dry-run', '--skip-deploy-check', '--kubeconfig', server.kubeconfigPath, '--cookies', cookies,
      '--chaos-duration', chaos, '--seed', '1', '--junit', join(dir, 'junit.xml'), '--kill-log', join(dir, 'kills.jsonl')]);
    const kills = (await readFile(join(dir, 'kills.jsonl'), 'utf8')).split('\n').filter((line) => line.includes('"kind":"bite"')).length;
    log(`memory: ${kills} dry-run bites over ${pods} pods`);
    return {
      pods,
      chaosDuration: chaos,
      ticks: kills,
      helpPeakMB: help,
      runPeakMB: run,
      rows: [
        ['cookiemonster --help', '', help],
        [`run --dry-run, ${pods} pods listed per tick (${chaos})`, kills, run],
      ],
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const memoryHeader = ['process', 'ticks', 'peak RSS MB'];

async function peakRss(dir, args) {
  const file = join(dir, `rss-${Date.now()}`);
  await runTimed(process.execPath, ['--import', probe, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: dir, KCM_BENCH_RSS_FILE: file },
  });
  return round(Number(await readFile(file, 'utf8')) / 1024);
}
