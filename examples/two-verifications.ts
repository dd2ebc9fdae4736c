/**
 * A custom pipeline: a smoke test and then a load test, both inside one chaos window, with one report.
 * Run: npx tsx examples/two-verifications.ts  (or compile it with tsc), with KUBECONFIG set.
 */
import { commandVerification, runPipeline, toJUnitXml, type Verification } from 'kube-cookiemonster';
import { writeFile } from 'node:fs/promises';

const smoke = commandVerification(['npm', 'run', 'smoke'], 60_000);
const load = commandVerification(['npm', 'run', 'load'], 600_000);

const both: Verification = {
  command: ['npm run smoke', '&&', 'npm run load'],
  async run(signal) {
    const first = await smoke.run(signal);
    if (first.result.failed) return first;
    return load.run(signal);
  },
};

const report = await runPipeline({ cookies: 'cookies.d', verify: both, maxRecovery: '60s', seed: 42 });
await writeFile('chaos-junit.xml', toJUnitXml(report));
console.log(`${report.outcome}: ${report.problems.join('; ') || 'no problems'}`);
process.exitCode = report.exitCode;
