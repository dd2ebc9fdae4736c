import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binPath, repoRoot } from '../lib/dist.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { runTimed } from '../lib/proc.mjs';
import { round } from '../lib/stats.mjs';

const probe = fileURLToPath(new URL('../lib/rss-probe.mjs', import.meta.url));
const floorPods = 10;

/**
 * Peak RSS of the CLI as a child process: a dry run whose cookie lists a Deployment of 10,000 pods on every tick,
 * with the fake API server in a separate process. Beside it, what explains the number: `--help` (the CLI without the
 * Kubernetes client), a bare `import('@kubernetes/client-node')`, and the same dry run over a 10-pod Deployment.
 */
export async function runMemory({ quick, log, pods = 10_000 }) {
  const dir = await mkdtemp(join(tmpdir(), 'kcm-bench-memory-'));
  const server = await startFakeServerProcess({
    namespaces: [{ name: 'bench', deployments: [{ name: 'big', replicas: pods }, { name: 'small', replicas: floorPods }] }],
  });
  try {
    const chaos = quick ? '2s' : '5s';
    const dryRun = async (workload) => {
      const cookies = join(dir, `cookies-${workload}.d`);
      await mkdir(join(cookies, 'killpod'), { recursive: true });
      await writeFile(join(cookies, 'killpod', `${workload}.json`), JSON.stringify({ name: workload, kind: 'deployment', namespace: 'bench', target: 1, interval: 1 }));
      const killLog = join(dir, `kills-${workload}.jsonl`);
      const peak = await peakRss(dir, [binPath, 'run', '--dry-run', '--skip-deploy-check', '--kubeconfig', server.kubeconfigPath, '--cookies', cookies,
        '--chaos-duration', chaos, '--seed', '1', '--junit', join(dir, `junit-${workload}.xml`), '--kill-log', killLog]);
      const ticks = (await readFile(killLog, 'utf8')).split('\n').filter((line) => line.includes('"kind":"bite"')).length;
      return { peak, ticks };
    };
    const help = await peakRss(dir, [binPath, '--help']);
    const client = await peakRss(dir, ['--input-type=module', '-e', "await import('@kubernetes/client-node')"]);
    const small = await dryRun('small');
    const big = await dryRun('big');
    log(`memory: ${big.ticks} dry-run bites over ${pods} pods`);
    return {
      pods,
      chaosDuration: chaos,
      ticks: big.ticks,
      helpPeakMB: help,
      clientNodeImportPeakMB: client,
      floorPods,
      floorRunPeakMB: small.peak,
      runPeakMB: big.peak,
      rows: [
        ['cookiemonster --help', '', help],
        ['node -e "import(\'@kubernetes/client-node\')" alone', '', client],
        [`run --dry-run, ${floorPods} pods listed per tick (${chaos})`, small.ticks, small.peak],
        [`run --dry-run, ${pods} pods listed per tick (${chaos})`, big.ticks, big.peak],
      ],
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const memoryHeader = ['process', 'ticks', 'peak RSS MB'];

let probes = 0;
async function peakRss(dir, args) {
  const file = join(dir, `rss-${probes++}`);
  await runTimed(process.execPath, ['--import', probe, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: dir, KCM_BENCH_RSS_FILE: file },
  });
  return round(Number(await readFile(file, 'utf8')) / 1024);
}
