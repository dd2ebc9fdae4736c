import { describe, expect, it } from 'vitest';
import { daemonSetToWorkload, deploymentToWorkload, statefulSetToWorkload } from '../../src/kube/mapping.js';

describe('workload mapping', () => {
  it('keeps spec.minReadySeconds of every kind (recovery proven by pods waits for it), and leaves it out when 0 or absent', () => {
    const spec = { selector: { matchLabels: { app: 'a' } }, minReadySeconds: 7 };
    const meta = { name: 'a', namespace: 'ns', resourceVersion: '5' };
    expect(deploymentToWorkload({ metadata: meta, spec: { ...spec, template: {} } }, 'ns')).toMatchObject({ minReadySeconds: 7, resourceVersion: '5' });
    expect(statefulSetToWorkload({ metadata: meta, spec: { ...spec, serviceName: 'a', template: {} } }, 'ns').minReadySeconds).toBe(7);
    expect(daemonSetToWorkload({ metadata: meta, spec: { ...spec, template: {} } }, 'ns').minReadySeconds).toBe(7);
    expect(deploymentToWorkload({ metadata: meta, spec: { ...spec, minReadySeconds: 0, template: {} } }, 'ns')).not.toHaveProperty('minReadySeconds');
    expect(deploymentToWorkload({ metadata: meta }, 'ns')).not.toHaveProperty('minReadySeconds');
  });
});
