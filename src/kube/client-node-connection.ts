import type { Agent } from 'node:http';
import type { AgentOptions, RequestOptions } from 'node:https';
import { CookieError } from '../errors.js';
import { buildKubeConfig } from './client.js';
import { httpsAgent, plainHttpError, type Connection } from './connection.js';
import type { Env, ResolvedKubeConfig } from './kubeconfig.js';
import { proxyFor } from './proxy.js';

/**
 * A Connection whose TLS and credentials come from @kubernetes/client-node: exec plugins (aws, gke, kubelogin),
 * auth providers, proxy-url and impersonation. Asked again for every request, so expiring plugin tokens are renewed;
 * the agent of the first request is kept, for keep-alive.
 */
export function clientNodeConnection(resolved: ResolvedKubeConfig, env: Env): Connection {
  const kc = buildKubeConfig(resolved);
  // client-node honours the kubeconfig's proxy-url; $HTTPS_PROXY is ours to apply, with the TLS material it found.
  const envProxy = resolved.cluster?.fields['proxy-url'] === undefined ? proxyFor(resolved.server, env) : undefined;
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
      agent ??= envProxy ? httpsAgent(tlsOptions(options), envProxy) : (options.agent as Agent);
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key.toLowerCase()] = String(value);
      if (options.auth) headers['authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
      return { agent, headers };
    },
  };
}

/** The TLS material client-node put into `options`, for our own tunnelling agent. */
function tlsOptions({ ca, cert, key, rejectUnauthorized, servername }: RequestOptions): AgentOptions {
  const picked = { ca, cert, key, rejectUnauthorized, servername };
  return Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined)) as AgentOptions;
}
