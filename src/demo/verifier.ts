/**
 * The demo's verification command: for `seconds`, asks the simulated API every half second whether each
 * Deployment in `openstack` still has an available pod, as a smoke test of a real service would. Exit 1 on an outage.
 * Usage: node verifier.js API_URL SECONDS
 */
const [api, secondsText] = process.argv.slice(2);
const seconds = Number(secondsText ?? '10');
const deadline = Date.now() + seconds * 1000;
let checks = 0;
let outages = 0;

interface DeploymentList {
  items: { metadata: { name: string }; status?: { availableReplicas?: number } }[];
}

while (Date.now() < deadline) {
  const response = await fetch(`${api}/apis/apps/v1/namespaces/openstack/deployments`);
  const list = (await response.json()) as DeploymentList;
  const down = list.items.filter((d) => (d.status?.availableReplicas ?? 0) < 1).map((d) => d.metadata.name);
  checks++;
  if (down.length > 0) {
    outages++;
    console.log(`check ${checks}: OUTAGE: ${down.join(', ')} has no available pod`);
  } else if (checks % 4 === 1) {
    console.log(`check ${checks}: all ${list.items.length} openstack services answer`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.log(`${checks} checks, ${outages} outages`);
process.exitCode = outages > 0 ? 1 : 0;
