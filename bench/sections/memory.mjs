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
 * Peak RSS of the CLI as a child process: a dry run whose cookie aims at a Deployment of 10,000 pods (and, in a full
 * run, 100,000), which it watches (its pods are listed once and kept), with the fake API server in a separate
 * process. Beside it, what explains the number: `--help` (the CLI without the Kubernetes client), a bare
 * `import('@kubernetes/client-node')`, and the same dry run over a 10-pod Deployment. A random cookie (`name: ""`) in
 * the same namespaces shows what watching a whole namespace costs.
 */
export async function runMemory({ quick, log, pods = 10_000, more = quick ? [] : [100_000] }) {
  const dir = await mkdtemp(join(tmpdir(), 'kcm-bench-memory-'));
  const chaos = quick ? '2s' : '5s';
  // `name: ""` is a random cookie: it watches every Deployment and pod of the namespace.
  const dryRun = async (server, workload, name = workload) => {
    const cookies = join(dir, `cookies-${workload}.d`);
    await mkdir(join(cookies, 'killpod'), { recursive: true });
    await writeFile(join(cookies, 'killpod', `${workload}.json`), JSON.stringify({ name, kind: 'deployment', namespace: 'bench', target: 1, interval: 1 }));
    const killLog = join(dir, `kills-${workload}.jsonl`);
    const peak = await peakRss(dir, [binPath, 'run', '--dry-run', '--skip-deploy-check', '--kubeconfig', server.kubeconfigPath, '--cookies', cookies,
      '--chaos-duration', chaos, '--seed', '1', '--junit', join(dir, `junit-${workload}.xml`), '--kill-log', killLog, '--html', join(dir, `report-${workload}.html`)]);
    const ticks = (await readFile(killLog, 'utf8')).split('\n').filter((line) => line.includes('"kind":"bite"')).length;
    return { peak, ticks };
  };
  const withServer = async (deployments, body) => {
    const server = await startFakeServerProcess({ namespaces: [{ name: 'bench', deployments }] });
    try {
      return await body(server);
    } finally {
      await server.close();
    }
  };
  try {
    const help = await peakRss(dir, [binPath, '--help']);
    const client = await peakRss(dir, ['--input-type=module', '-e', "await import('@kubernetes/client-node')"]);
    const [small, big, random] = await withServer([{ name: 'big', replicas: pods }, { name: 'small', replicas: floorPods }], async (server) => [
      await dryRun(server, 'small'),
      await dryRun(server, 'big'),
      await dryRun(server, 'random', ''),
    ]);
    log(`memory: ${big.ticks} dry-run bites over ${pods} watched pods`);
    const larger = [];
    for (const size of more) {
      const [run, anyOf] = await withServer([{ name: `big-${size}`, replicas: size }], async (server) => [await dryRun(server, `big-${size}`), await dryRun(server, `random-${size}`, '')]);
      larger.push({ pods: size, ticks: run.ticks, runPeakMB: run.peak, randomTicks: anyOf.ticks, randomPeakMB: anyOf.peak });
      log(`memory: ${run.ticks} dry-run bites over ${size} watched pods`);
    }
    return {
      pods,
      chaosDuration: chaos,
      ticks: big.ticks,
      helpPeakMB: help,
      clientNodeImportPeakMB: client,
      floorPods,
      floorRunPeakMB: small.peak,
      runPeakMB: big.peak,
      randomTicks: random.ticks,
      randomPeakMB: random.peak,
      larger,
      rows: [
        ['cookiemonster --help', '', help],
        ['node -e "import(\'@kubernetes/client-node\')" alone', '', client],
        [`run --dry-run, ${floorPods} pods watched (${chaos})`, small.ticks, small.peak],
        [`run --dry-run, ${pods} pods watched (${chaos})`, big.ticks, big.peak],
        [`run --dry-run, random Deployment, ${pods + floorPods} pods in namespace watched (${chaos})`, random.ticks, random.peak],
        ...larger.flatMap((r) => [
          [`run --dry-run, ${r.pods} pods watched (${chaos})`, r.ticks, r.runPeakMB],
          [`run --dry-run, random Deployment, ${r.pods} pods in namespace watched (${chaos})`, r.randomTicks, r.randomPeakMB],
        ]),
      ],
    };
  } finally {
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
