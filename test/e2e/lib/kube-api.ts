import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parse } from 'yaml';

/**
 * A deliberately small Kubernetes HTTP client for test code, built from a single-cluster bearer-token kubeconfig such
 * as test/cluster/up.sh and the fake API server write. It depends on neither kubectl nor the product's own client.
 */
export interface KubeResponse {
  status: number;
  // Wire objects are read field by field in tests.
  body: any;
}

export interface KubeApi {
  readonly server: string;
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse>;
  /** GET/POST/… that must succeed (2xx), or a thrown error naming the call and the Status message. */
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
}

interface KubeconfigFile {
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
  users?: { name: string; user: { token?: string } }[];
}

export function kubeApiFromKubeconfig(path: string): KubeApi {
  const config = parse(readFileSync(path, 'utf8')) as KubeconfigFile;
  const cluster = config.clusters?.[0]?.cluster;
  if (!cluster) throw new Error(`${path}: no cluster`);
  const token = config.users?.[0]?.user.token;
  const caData = cluster['certificate-authority-data'];
  return createKubeApi({
    server: cluster.server,
    token,
    ca: caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined,
    insecure: cluster['insecure-skip-tls-verify'] === true,
  });
}

export function createKubeApi(options: { server: string; token?: string | undefined; ca?: string | undefined; insecure?: boolean }): KubeApi {
  const base = new URL(options.server);
  const tls = base.protocol === 'https:';
  const agent = tls
    ? new https.Agent({ keepAlive: false, ca: options.ca, rejectUnauthorized: !options.insecure })
    : new http.Agent({ keepAlive: false });

  const request = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { Accept: 'application/json' };
      if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
      if (data) Object.assign(headers, { 'Content-Type': contentType, 'Content-Length': data.length });
      const send = tls ? https.request : http.request;
      const req = send(
        { agent, method, hostname: base.hostname, port: base.port, path: `${base.pathname.replace(/\/$/, '')}${path}`, headers, timeout: 15_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown = text;
            try {
              json = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(data);
    });

  return {
    server: options.server,
    request,
    async call(method, path, body, contentType) {
      const res = await request(method, path, body, contentType);
      if (res.status < 200 || res.status >= 300) {
        const message = typeof res.body === 'object' && res.body !== null ? (res.body as { message?: string }).message : String(res.body);
        throw new Error(`${method} ${path}: HTTP ${res.status}: ${message}`);
      }
      return res.body;
    },
  };
}
