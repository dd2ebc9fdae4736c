import { describe, expect, it } from 'vitest';
import { CookieError } from '../../src/errors.js';
import { isRetryable, toCookieError, type Operation } from '../../src/kube/errors.js';
import { ApiStatusError } from '../../src/kube/rest.js';

const server = 'https://10.0.0.1:6443';
const deletePod: Operation = { server, verb: 'delete', resource: 'pods', namespace: 'openstack', name: 'keystone-0' };

const status = (code: number, reason: string, message: string, details: object = {}): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });

const apiError = (code: number, body: string | undefined): ApiStatusError => new ApiStatusError(code, body ?? '');

describe('toCookieError: HTTP statuses', () => {
  it.each([
    [401, undefined, 'unauthorized', false],
    [404, status(404, 'NotFound', 'pods "keystone-0" not found', { name: 'keystone-0', kind: 'pods' }), 'not-found', false],
    [409, status(409, 'Conflict', 'Precondition failed: UID in precondition: a, UID in object meta: b'), 'conflict', false],
    [422, status(422, 'Invalid', 'Pod "x" is invalid'), 'invalid-request', false],
    [400, status(400, 'BadRequest', 'bad'), 'invalid-request', false],
    [429, status(429, 'TooManyRequests', 'slow down'), 'server-error', true],
    [500, status(500, 'InternalError', 'etcdserver: request timed out'), 'server-error', true],
    [503, 'plain text, not JSON', 'server-error', true],
    [502, `<html><body>${'Bad gateway. '.repeat(500)}</body></html>\n<!-- line 2 -->`, 'server-error', true],
  ])('%i → %s', (code, body, expected, retryable) => {
    const error = toCookieError(apiError(code, body), deletePod);
    expect(error.code).toBe(expected);
    expect(isRetryable(error)).toBe(retryable);
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(400);
    expect(error.cause).toBeUndefined();
  });

  it('403 names the verb, resource and namespace the identity lacks, and points at the RBAC example', () => {
    const body = status(403, 'Forbidden', 'pods "keystone-0" is forbidden: User "system:serviceaccount:ci:cm" cannot delete resource "pods" in API group "" in the namespace "openstack"', {
      name: 'keystone-0',
      kind: 'pods',
    });
    const error = toCookieError(apiError(403, body), deletePod);
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('forbidden: cannot delete pods in namespace "openstack"');
    expect(error.hint).toContain('deploy/rbac.yaml');
    expect(error.hint).toContain('kubectl auth can-i delete pods -n openstack');
    expect(error.details['identity']).toBe('system:serviceaccount:ci:cm');
    expect(isRetryable(error)).toBe(false);
  });

  it('403 on a grouped or cluster-scoped resource builds the right can-i command', () => {
    const deployments = toCookieError(apiError(403, undefined), { server, verb: 'list', resource: 'deployments', group: 'apps', namespace: 'ns' });
    expect(deployments.message).toBe('forbidden: cannot list deployments in namespace "ns"');
    expect(deployments.hint).toContain('kubectl auth can-i list deployments.apps -n ns');
    const nodes = toCookieError(apiError(403, undefined), { server, verb: 'list', resource: 'nodes' });
    expect(nodes.message).toBe('forbidden: cannot list nodes at the cluster scope');
    const eviction = toCookieError(apiError(403, undefined), { server, verb: 'create', resource: 'pods/eviction', namespace: 'ns', name: 'p' });
    expect(eviction.hint).toContain('kubectl auth can-i create pods/eviction -n ns');
  });

  it('a 429 with a DisruptionBudget cause is a disruption-budget refusal, never retried', () => {
    const body = status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget mariadb needs 2 healthy pods and has 2 currently' }],
    });
    const error = toCookieError(apiError(429, body), { ...deletePod, verb: 'create', resource: 'pods/eviction' });
    expect(error.code).toBe('disruption-budget');
    expect(error.message).toContain('needs 2 healthy pods');
    expect(isRetryable(error)).toBe(false);
  });

  it('a 429 that only mentions the disruption budget in its message counts too', () => {
    const error = toCookieError(apiError(429, status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.")), deletePod);
    expect(error.code).toBe('disruption-budget');
  });
});

describe('toCookieError: transport', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused', true],
    ['ECONNRESET', 'connection reset', true],
    ['ENOTFOUND', 'host not found', false],
  ])('%s → cluster-unreachable naming the server', (code, words, retryable) => {
    const cause = Object.assign(new Error(`connect ${code} 10.0.0.1:6443`), { code, syscall: 'connect' });
    const error = toCookieError(cause, deletePod);
    expect(error.code).toBe('cluster-unreachable');
    expect(error.message).toContain(server);
    expect(error.message).toContain(words);
    expect(isRetryable(error)).toBe(retryable);
  });

  it('our timeout and the caller abort are told apart', () => {
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    expect(toCookieError(aborted, deletePod, { timedOut: true, cancelled: false, timeoutMs: 250 }).message).toBe(
      `timeout: the API server at ${server} did not answer delete pods "keystone-0" in namespace "openstack" within 250 ms`,
    );
    expect(toCookieError(aborted, deletePod, { timedOut: false, cancelled: true, timeoutMs: 250 }).code).toBe('cancelled');
  });

  it('passes a CookieError through unchanged', () => {
    const original = new CookieError('not-found', 'x');
    expect(toCookieError(original, deletePod)).toBe(original);
  });
});
