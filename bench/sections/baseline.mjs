import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createBiter, killsIn } from '../lib/biter.mjs';
import { startFakeServerProcess } from '../lib/fake-server-process.mjs';
import { runTimed } from '../lib/proc.mjs';
import { median, round } from '../lib/stats.mjs';
import { Unavailable } from '../lib/dist.mjs';

const script = fileURLToPath(new URL('../baseline-kubectl.sh', import.meta.url));
const podsPerWorkload = 50;

/**
 * Time per kill: the product's kill tick (GET workload, LIST its pods, DELETE one, in this process) against a shell
 * loop of `kubectl get pods -l … | shuf -n 1` + `kubectl delete`, both on the same fake API server and namespace.
 */
export async function runBaseline({ quick, log, kubectl }) {
  const kills = quick ? 3 : 20;
  const kubectlVersion = await versionOf(kubectl);
  const dir = await mkdtemp(join(tmpdir(), 'kcm-bench-baseline-'));
  const server = await startFakeServerProcess({
    namespaces: [{ name: 'bench', deployments: [{ name: 'shell-victim', replicas: podsPerWorkload }, { name: 'cm-victim', replicas: podsPerWorkload }], loosePods: 900 }],
  });
  try {
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: server.kubeconfigPath, KUBECTL: kubectl, NAMESPACE: 'bench', SELECTOR: 'app=shell-victim' };
    await runTimed('sh', [script], { env: { ...env, KILLS: '1' } }); // warm-up: kubectl's discovery cache
    await server.resetLog();
    const shell = await runTimed('sh', [script], { env: { ...env, KILLS: String(kills) } });
    const shellRequests = await server.requests();
    const shellPerKill = shell.ms / kills;
    log(`baseline: kubectl loop ${round(shellPerKill)} ms per kill`);

    const biter = await createBiter({ kubeconfigYaml: server.kubeconfigYaml, cookieFile: { name: 'cm-victim', kind: 'deployment', namespace: 'bench', target: 1 } });
    killsIn(await biter.bite(0));
    await server.resetLog();
    const tickMs = [];
    try {
      for (let n = 1; n <= kills; n++) {
        const started = performance.now();
        const done = killsIn(await biter.bite(n));
        tickMs.push(performance.now() - started);
        if (done !== 1) throw new Error(`cookiemonster tick ${n} killed ${done} pods, expected 1`);
      }
    } finally {
      biter.close();
    }
    const oursRequests = await server.requests();
    const oursPerKill = median(tickMs);
    return {
      kills,
      kubectl: { path: kubectl, version: kubectlVersion },
      shell: { msPerKill: round(shellPerKill), requestsPerKill: round(shellRequests.count / kills), byRoute: shellRequests.byRoute },
      cookiemonster: { msPerKill: round(oursPerKill), requestsPerKill: round(oursRequests.count / kills), byRoute: oursRequests.byRoute },
      speedup: round(shellPerKill / oursPerKill),
      rows: [
        [`shell loop: kubectl get | shuf | kubectl delete (${kubectlVersion})`, kills, round(shellPerKill), round(shellRequests.count / kills)],
        ['cookiemonster kill tick (in-process)', kills, round(oursPerKill), round(oursRequests.count / kills)],
      ],
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const baselineHeader = ['per kill', 'kills', 'ms/kill', 'requests/kill'];

async function versionOf(kubectl) {
  try {
    const { stdout } = await runTimed(kubectl, ['version', '--client', '-o', 'json'], { env: { PATH: process.env.PATH, HOME: tmpdir() } });
    return JSON.parse(stdout).clientVersion?.gitVersion ?? 'unknown';
  } catch (error) {
    throw new Unavailable(`kubectl not usable at ${kubectl} (install Debian kubernetes-client, or pass --kubectl PATH): ${error.message}`);
  }
}
