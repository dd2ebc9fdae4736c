import { stringify } from 'yaml';

/** A kubeconfig pointing at the fake server. It is plain http, so it needs `insecure-skip-tls-verify: true`. */
export interface SimKubeconfigOptions {
  server: string;
  token: string;
  namespace: string;
  /** Context, cluster and user name. Default `cookiemonster-sim`. */
  name?: string;
  /** PEM of the CA, for an https fake server (strict TLS). */
  caPem?: string;
}

export function simKubeconfigYaml(options: SimKubeconfigOptions): string {
  const name = options.name ?? 'cookiemonster-sim';
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.caPem) cluster['certificate-authority-data'] = Buffer.from(options.caPem).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace } }],
    'current-context': name,
  });
}
