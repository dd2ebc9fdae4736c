import type { Simulation } from './simulation.js';

/**
 * The demo's cluster: an OpenStack-like namespace deployed by the Helm release `openstack`, on three nodes.
 * horizon has one replica, so the "only one pod available" safety floor shows; mariadb has a PDB (minAvailable 2).
 */
export function sampleCluster(sim: Simulation): void {
  for (const node of ['node-1', 'node-2', 'node-3']) sim.addNode(node);
  const release = (name: string): Record<string, string> => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': 'openstack',
    'app.kubernetes.io/managed-by': 'Helm',
    application: name,
  });
  const selector = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'openstack' } });
  const deployments: [string, number][] = [
    ['keystone', 3],
    ['nova-api', 3],
    ['glance-api', 2],
    ['horizon', 1],
  ];
  for (const [name, replicas] of deployments) {
    sim.addDeployment({ namespace: 'openstack', name, replicas, labels: release(name), selector: selector(name) });
  }
  for (const name of ['mariadb', 'rabbitmq']) {
    sim.addStatefulSet({ namespace: 'openstack', name, replicas: 3, labels: release(name), selector: selector(name) });
  }
  sim.addDaemonSet({ namespace: 'openstack', name: 'openvswitch-agent', labels: release('openvswitch-agent'), selector: selector('openvswitch-agent'), nodes: ['node-1', 'node-2', 'node-3'] });
  sim.addPdb({ namespace: 'openstack', name: 'mariadb', selector: selector('mariadb'), minAvailable: 2 });
  sim.addHelmRelease('openstack', 'openstack', 3, 'deployed');
  sim.addDeployment({ namespace: 'kube-system', name: 'coredns', replicas: 2, labels: { 'k8s-app': 'kube-dns' } });
}
