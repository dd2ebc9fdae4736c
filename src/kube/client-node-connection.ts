import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { CookieError } from '../errors.js';
import { buildKubeConfig } from './client.js';
import { plainHttpError, type Connection } from './connection.js';
import type { ResolvedKubeConfig } from './kubeconfig.js';

/**
 * A Connection whose TLS and credentials come from @kubernetes/client-node: exec plugins (aws, gke, kubelogin),
 * auth providers, proxy-url and impersonation. Asked again for every request, so expiring plugin tokens are renewed;
 * the agent of the first request is kept, for keep-alive.
 */
export function clientNodeConnection(resolved: ResolvedKubeConfig): Connection {
  const kc = buildKubeConfig(resolved);
  let agent: Agent | undefined;
  return {
    server: resolved.server,
    async prepare() {
      const options: RequestOptions = {};
      try {
        await kc.applyToHTTPSOptions(options);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] ?? String(error);
        if (/HTTP protocol is not allowed/.test(message)) throw plainHttpError(resolved.server);
        throw new CookieError('config-invalid', `kubeconfig context "${resolved.context}": ${message}`, { cause: error });
      }
      agent ??= options.agent as Agent;
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key.toLowerCase()] = String(value);
      if (options.auth) headers['authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
      return { agent, headers };
    },
  };
}
