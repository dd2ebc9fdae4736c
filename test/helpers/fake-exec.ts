import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The Kubernetes pod exec API over a WebSocket, as a kubelet behind the API server speaks it: subprotocol
 * `v4.channel.k8s.io`, binary frames whose first byte is the channel (1 stdout, 2 stderr, 3 status), and a
 * metav1.Status on channel 3 before the close.
 */
export interface ExecCall {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdout: boolean;
  stderr: boolean;
  authorization: string | undefined;
  protocol: string;
}

export interface ExecReply {
  stdout?: string;
  stderr?: string;
  /** 0 → Success; other → Failure / NonZeroExitCode with an ExitCode cause. */
  exitCode?: number;
  /** A Status to send instead of the one derived from exitCode (e.g. "executable file not found"). */
  status?: Record<string, unknown>;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Refuse the upgrade with this HTTP status (403 = RBAC, 404 = no such pod). */
  refuse?: number;
}

export type ExecHandler = (call: ExecCall) => ExecReply | Promise<ExecReply>;

const execPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** Handles exec upgrades on an existing http.Server (e.g. the fake API server's); other upgrades are refused with 404. */
export function attachFakeExec(server: Server, handler: ExecHandler): { calls: ExecCall[]; open: () => number; detach: () => void } {
  const calls: ExecCall[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void handleUpgrade(req, socket, head);
  };
  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = execPath.exec(url.pathname);
    if (!match) return refuse(socket, 404);
    const call: ExecCall = {
      namespace: decodeURIComponent(match[1] ?? ''),
      pod: decodeURIComponent(match[2] ?? ''),
      container: url.searchParams.get('container') ?? '',
      command: url.searchParams.getAll('command'),
      stdout: url.searchParams.get('stdout') === 'true',
      stderr: url.searchParams.get('stderr') === 'true',
      authorization: req.headers.authorization,
      protocol: String(req.headers['sec-websocket-protocol'] ?? ''),
    };
    calls.push(call);
    const reply = await handler(call);
    if (reply.refuse !== undefined) return refuse(socket, reply.refuse);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      if (reply.hang) return;
      const send = (channel: number, text: string): void => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text, 'utf8')]));
      if (reply.stdout) send(1, reply.stdout);
      if (reply.stderr) send(2, reply.stderr);
      send(3, JSON.stringify(reply.status ?? statusFor(reply.exitCode ?? 0, call.command)));
      ws.close(1000);
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    calls,
    open: () => sockets.size,
    detach: () => {
      server.off('upgrade', onUpgrade);
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

/** A loopback server that only does exec, for when the API server in a test cannot take an upgrade handler. */
export async function startFakeExecServer(handler: ExecHandler): Promise<{
  url: string;
  calls: ExecCall[];
  open: () => number;
  kubeconfigYaml: (token?: string) => string;
  close: () => Promise<void>;
}> {
  return serveExec(createServer((_req, res) => res.writeHead(404).end()), handler, 'exec-test-token');
}

/** Attaches the exec handler to `server`, listens on 127.0.0.1:0, and closes both together. */
async function serveExec(server: Server, handler: ExecHandler, defaultToken: string) {
  const exec = attachFakeExec(server, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls: exec.calls,
    open: exec.open,
    kubeconfigYaml: (token = defaultToken) => kubeconfigFor(url, token),
    close: async () => {
      exec.detach();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One URL for both: plain requests are forwarded to `apiUrl` (e.g. the fake API server, which takes no upgrade
 * handler), exec upgrades are answered here. For code that builds its API client and its exec from one kubeconfig.
 */
export async function startExecFront(apiUrl: string, handler: ExecHandler): Promise<{
  url: string;
  calls: ExecCall[];
  kubeconfigYaml: (token?: string) => string;
  close: () => Promise<void>;
}> {
  const target = new URL(apiUrl);
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return serveExec(server, handler, 'sim-token');
}

export function kubeconfigFor(url: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
    'users:',
    `- name: fake\n  user:\n    token: ${token}`,
    'contexts:',
    '- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default',
    'current-context: fake',
    '',
  ].join('\n');
}

export function statusFor(exitCode: number, command: string[]): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function refuse(socket: Duplex, status: number): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: status, message: `refused with ${status}` });
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
