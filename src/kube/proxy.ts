import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type AgentOptions, type RequestOptions } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { CookieError } from '../errors.js';
import type { Env } from './kubeconfig.js';

/**
 * HTTPS_PROXY / NO_PROXY as kubectl (Go's net/http) reads them, for an https API server: the upper-case name first,
 * then the lower-case one; localhost and loopback addresses are never proxied; NO_PROXY holds host names (matching
 * their subdomains too, or only those with a leading dot), IP addresses, CIDR ranges, each optionally with `:port`,
 * or `*`. Plain-http servers are reached directly.
 */
export function proxyFor(server: string, env: Env): URL | undefined {
  const target = new URL(server);
  if (target.protocol !== 'https:') return undefined;
  const setting = env['HTTPS_PROXY'] || env['https_proxy'];
  if (!setting) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || '443';
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const noProxy = (env['NO_PROXY'] || env['no_proxy'] || '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (noProxy.some((entry) => excludes(entry, host, port))) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(setting) ? setting : `http://${setting}`);
  } catch {
    throw new CookieError('config-invalid', `$HTTPS_PROXY: expected a proxy URL such as http://proxy:3128, got "${setting}"`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new CookieError('config-invalid', `$HTTPS_PROXY: expected an http:// or https:// proxy, got ${proxy.protocol}// (use proxy-url in the kubeconfig for SOCKS)`);
  }
  return proxy;
}

function excludes(entry: string, host: string, port: string): boolean {
  if (entry === '*') return true;
  const withPort = /^(.*?):(\d+)$/.exec(entry);
  const [name, entryPort] = withPort && !entry.includes('::') ? [withPort[1] ?? '', withPort[2]] : [entry.replace(/^\[|\]$/g, ''), undefined];
  if (entryPort !== undefined && entryPort !== port) return false;
  if (name.includes('/')) return inCidr(host, name);
  if (isIP(name)) return name === host;
  if (name.startsWith('.')) return host.endsWith(name);
  return host === name || host.endsWith(`.${name}`);
}

function isLoopback(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}

function inCidr(host: string, cidr: string): boolean {
  const [network = '', bits = ''] = cidr.split('/');
  const family = isIP(network);
  const prefix = Number(bits);
  if (family === 0 || isIP(host) !== family || !Number.isInteger(prefix)) return false;
  const range = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  range.addSubnet(network, prefix, type);
  return range.check(host, type);
}

/** The proxy answered the CONNECT with something else than 200, or could not be reached. */
export class ProxyTunnelError extends Error {
  constructor(
    readonly proxy: string,
    readonly target: string,
    readonly status: number | undefined,
    cause?: unknown,
  ) {
    super(status === undefined ? `cannot reach the proxy ${proxy}` : `the proxy ${proxy} answered HTTP ${status} to CONNECT ${target}`, { cause });
    this.name = 'ProxyTunnelError';
  }
}

/** An https Agent whose connections are CONNECT tunnels through `proxy`; TLS to the API server runs inside them. */
export class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: Record<string, unknown>, done: (error: Error | null, socket?: Duplex) => void): undefined {
    const target = `${String(options['host'])}:${String(options['port'])}`;
    const shown = `${this.proxy.protocol}//${this.proxy.host}`;
    const headers: Record<string, string> = { host: target };
    if (this.proxy.username || this.proxy.password) {
      const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const send = this.proxy.protocol === 'https:' ? httpsRequest : httpRequest;
    const connect = send({ host: this.proxy.hostname, port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: target, headers, agent: false });
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(new ProxyTunnelError(shown, target, response.statusCode));
        return;
      }
      // TLS to the API server inside the tunnel: tls.connect over the proxy's socket, with this agent's options.
      const inside: RequestOptions = { ...options, socket } as RequestOptions;
      done(null, super.createConnection(inside) as Duplex);
    });
    connect.once('error', (error) => done(new ProxyTunnelError(shown, target, undefined, error)));
    connect.end();
    return undefined;
  }
}
