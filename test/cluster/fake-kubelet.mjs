#!/usr/bin/env node
// Kubelet stand-in for the loopback control plane (test/cluster/up.sh). Plain Node ESM, built-ins only.
//
// It marks every pod that isn't Running+Ready as Running+Ready by merge-patching pods/status (phase, the four
// conditions, one containerStatus per container, podIP 10.244.x.y, hostIP 127.0.0.1, startTime). It lists all pods
// every --interval-ms AND keeps a watch open for prompt reaction. Pods are never bound to a node (no nodeName), so
// deleting a pod removes it instantly and its controller creates a replacement, which this marks ready after
// --ready-delay-ms.
//
// Per-pod annotations (set them in a pod template):
//   kcm-test/never-ready: "true"     leave the pod alone (stays Pending, never Ready)
//   kcm-test/ready-delay-ms: "1500"  override --ready-delay-ms for this pod
//
// With --nodes N it also registers Nodes fake-node-1..N and heartbeats them (nodes/status Ready=True plus a Lease
// in kube-node-lease renewed every --node-heartbeat-ms), so that the node lifecycle controller keeps them Ready and
// DaemonSets get one pod per fake node (see README.md).
//
// Usage:
//   node fake-kubelet.mjs --state-dir STATE_DIR [options]     # reads STATE_DIR/env written by up.sh
//   node fake-kubelet.mjs --kubeconfig FILE [options]
//   node fake-kubelet.mjs --server URL --ca FILE --token-file FILE [options]
// Options:
//   --ready-delay-ms N       wait N ms after first seeing a pod before marking it ready (default 0)
//   --interval-ms N          list/reconcile period (default 300)
//   --no-watch               poll only
//   --nodes N                register and heartbeat N fake nodes (default 0)
//   --node-heartbeat-ms N    node status + lease renewal period (default 5000)
//   --delete-nodes-on-exit   delete the fake nodes on SIGTERM/SIGINT
//   --bind                   (needs --nodes) also bind each pod to a fake node (DaemonSet pods to their target
//                            node, others round-robin) and, like a kubelet, confirm graceful deletions of pods
//                            bound to our nodes (DELETE with gracePeriodSeconds 0). Pods then show Terminating
//                            between delete and confirmation, and Services get Endpoints (unbound pods make the
//                            1.20 endpoints controller fail: nodeName "" is invalid).
//   --termination-delay-ms N with --bind: keep a deleted pod Terminating N ms before confirming (default 0;
//                            capped at the pod's own grace period)
//   --pid-file FILE          default STATE_DIR/fake-kubelet.pid with --state-dir, else none
//   --once                   one reconcile pass (no delay, no watch), then exit
//   --quiet                  only log errors
// Stops cleanly on SIGTERM/SIGINT (removes its pid file).
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';

const NEVER_READY = 'kcm-test/never-ready';
const DELAY_ANNOTATION = 'kcm-test/ready-delay-ms';
const LEASE_NS = 'kube-node-lease';
const LEASE_SECONDS = 40;

let opts;
try {
  opts = parseArgs({
    options: {
      'state-dir': { type: 'string' },
      kubeconfig: { type: 'string' },
      server: { type: 'string' },
      ca: { type: 'string' },
      'token-file': { type: 'string' },
      token: { type: 'string' },
      insecure: { type: 'boolean', default: false },
      'ready-delay-ms': { type: 'string', default: '0' },
      'interval-ms': { type: 'string', default: '300' },
      'no-watch': { type: 'boolean', default: false },
      nodes: { type: 'string', default: '0' },
      'node-heartbeat-ms': { type: 'string', default: '5000' },
      'delete-nodes-on-exit': { type: 'boolean', default: false },
      bind: { type: 'boolean', default: false },
      'termination-delay-ms': { type: 'string', default: '0' },
      'pid-file': { type: 'string' },
      once: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(e.message);
}
if (opts.help) {
  const src = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  process.stdout.write(src.slice(1, src.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}

function fail(msg) {
  process.stderr.write(`[fake-kubelet] ERROR: ${msg}\n`);
  process.exit(2);
}
function int(name, min) {
  const v = Number(opts[name]);
  if (!Number.isInteger(v) || v < min) fail(`--${name} must be an integer >= ${min}, got ${opts[name]}`);
  return v;
}
const readyDelayMs = int('ready-delay-ms', 0);
const intervalMs = int('interval-ms', 50);
const nodeCount = int('nodes', 0);
const heartbeatMs = int('node-heartbeat-ms', 500);
const terminationDelayMs = int('termination-delay-ms', 0);
if (opts.bind && nodeCount < 1) fail('--bind needs --nodes N (N >= 1)');
const log = (msg) => { if (!opts.quiet) process.stdout.write(`[fake-kubelet] ${new Date().toISOString()} ${msg}\n`); };
const lastErr = new Map();
const logErr = (key, msg) => { // throttle repeated errors (e.g. apiserver down) to one per 5 s per key
  const now = Date.now();
  if (now - (lastErr.get(key) ?? 0) < 5000) return;
  lastErr.set(key, now);
  process.stderr.write(`[fake-kubelet] ${new Date().toISOString()} ERROR ${msg}\n`);
};

// ------------------------------------------------------------------ connection settings
let server, caPem, token, insecure = opts.insecure;
const readFile = (f, what) => { try { return fs.readFileSync(f, 'utf8'); } catch (e) { fail(`cannot read ${what} ${f}: ${e.code ?? e.message}`); } };
if (opts['state-dir']) {
  const envFile = path.join(opts['state-dir'], 'env');
  const env = {};
  for (const line of readFile(envFile, 'state env file').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  server = env.KCM_API_SERVER;
  if (env.KCM_CA_FILE) caPem = readFile(env.KCM_CA_FILE, 'CA file');
  if (env.KCM_TOKEN_FILE) token = readFile(env.KCM_TOKEN_FILE, 'token file').trim();
  if (!server || !token) fail(`${envFile} lacks KCM_API_SERVER or KCM_TOKEN_FILE`);
}
if (opts.kubeconfig) {
  // Minimal parser for single-cluster kubeconfigs such as up.sh writes: first match of each key wins.
  const text = readFile(opts.kubeconfig, 'kubeconfig');
  const get = (key) => {
    const m = new RegExp(`^\\s*${key}:\\s*(.+?)\\s*$`, 'm').exec(text);
    return m ? m[1].replace(/^(['"])(.*)\1$/, '$2') : undefined;
  };
  server = get('server');
  const caData = get('certificate-authority-data');
  const caFile = get('certificate-authority');
  if (caData) caPem = Buffer.from(caData, 'base64').toString('utf8');
  else if (caFile) caPem = readFile(path.resolve(path.dirname(opts.kubeconfig), caFile), 'CA file');
  token = get('token');
  const tokenFile = get('tokenFile');
  if (!token && tokenFile) token = readFile(tokenFile, 'token file').trim();
  if (get('insecure-skip-tls-verify') === 'true') insecure = true;
  if (!server || !token) fail(`${opts.kubeconfig}: no server or token found (only bearer-token kubeconfigs are supported)`);
}
if (opts.server) server = opts.server;
if (opts.ca) caPem = readFile(opts.ca, 'CA file');
if (opts['token-file']) token = readFile(opts['token-file'], 'token file').trim();
if (opts.token) token = opts.token; // visible in `ps`; prefer --token-file
if (!server || !token) fail('no API server/token: pass --state-dir DIR, --kubeconfig FILE, or --server URL --token-file FILE [--ca FILE]');
if (!caPem && !insecure) fail('no CA: pass --ca FILE (or a kubeconfig with certificate-authority-data), or --insecure');
const base = new URL(server);
if (base.protocol !== 'https:') fail(`only https API servers are supported, got ${server}`);

const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: caPem, rejectUnauthorized: !insecure });

// ------------------------------------------------------------------ HTTP
function request(method, p, body, { contentType = 'application/json', timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request({
      agent, method, hostname: base.hostname, port: base.port || 443, path: p, timeout: timeoutMs,
      headers: {
        Authorization: `Bearer ${token}`, Accept: 'application/json',
        ...(data ? { 'Content-Type': contentType, 'Content-Length': data.length } : {}),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json; try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}
const ok = (r) => r.status >= 200 && r.status < 300;
const why = (r) => `HTTP ${r.status}${r.json?.message ? `: ${r.json.message}` : ''}`;
const enc = encodeURIComponent;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowSec = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');          // metav1.Time
const nowMicro = () => new Date().toISOString().replace(/Z$/, '000Z');           // metav1.MicroTime (6 digits)
const hash = (s) => crypto.createHash('sha256').update(s).digest('hex');

// ------------------------------------------------------------------ pods
/** uid -> { firstSeen, pod, timer, inflight, ip } */
const tracked = new Map();
const ipInUse = new Map(); // ip -> uid
let ipCounter = 0;
function allocIp(uid) {
  for (let tries = 0; tries < 254 * 254; tries++) {
    ipCounter = (ipCounter % (254 * 254)) + 1;
    const ip = `10.244.${Math.floor((ipCounter - 1) / 254)}.${((ipCounter - 1) % 254) + 1}`;
    if (!ipInUse.has(ip)) { ipInUse.set(ip, uid); return ip; }
  }
  throw new Error('pod IP range 10.244.0.0/16 exhausted');
}

function isReady(pod) {
  const st = pod.status ?? {};
  if (st.phase !== 'Running' || !st.podIP) return false;
  if (!(st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) return false;
  const cs = st.containerStatuses ?? [];
  return cs.length === (pod.spec?.containers ?? []).length && cs.every((c) => c.ready);
}
function wantsReady(pod) {
  if (pod.metadata.deletionTimestamp) return false;
  if (pod.metadata.annotations?.[NEVER_READY] === 'true') return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return !isReady(pod);
}
function delayFor(pod) {
  const a = pod.metadata.annotations?.[DELAY_ANNOTATION];
  const v = a === undefined ? NaN : Number(a);
  return Number.isFinite(v) && v >= 0 ? v : readyDelayMs;
}
function forget(uid) {
  const e = tracked.get(uid);
  if (!e) return;
  clearTimeout(e.timer);
  clearTimeout(e.finalTimer);
  if (e.ip && ipInUse.get(e.ip) === uid) ipInUse.delete(e.ip);
  tracked.delete(uid);
}

function consider(pod, { immediate = false } = {}) {
  const uid = pod.metadata.uid;
  let e = tracked.get(uid);
  if (!e) {
    e = { firstSeen: Date.now(), pod, timer: null, inflight: false, ip: null, finalTimer: null, finalizing: false };
    tracked.set(uid, e);
  }
  e.pod = pod;
  const ip = pod.status?.podIP;
  if (ip && !e.ip) {
    e.ip = ip; ipInUse.set(ip, uid);
    // After a restart, continue numbering above the IPs already handed out (avoids immediate reuse).
    const m = /^10\.244\.(\d+)\.(\d+)$/.exec(ip);
    if (m) ipCounter = Math.max(ipCounter, Number(m[1]) * 254 + Number(m[2]));
  }
  if (wantsFinalize(pod)) {
    if (!e.finalTimer && !e.finalizing) {
      // Measured from when we first see the deletion (deletionTimestamp has only 1 s resolution).
      const graceMs = 1000 * (pod.metadata.deletionGracePeriodSeconds ?? 30);
      e.finalTimer = setTimeout(() => { e.finalTimer = null; void finalize(e); }, Math.min(terminationDelayMs, graceMs));
    }
    return;
  }
  if (!wantsReady(pod) || e.timer || e.inflight) return;
  const remaining = immediate ? 0 : e.firstSeen + delayFor(pod) - Date.now();
  if (remaining > 0) {
    e.timer = setTimeout(() => { e.timer = null; if (tracked.get(uid) === e && wantsReady(e.pod)) void markReady(e); }, remaining);
  } else {
    void markReady(e);
  }
}

function readyStatus(pod, ip) {
  const now = nowSec();
  const uid = pod.metadata.uid;
  const imageID = (image) => `docker-pullable://${image}@sha256:${hash(image)}`;
  const cid = (name) => `containerd://${hash(`${uid}/${name}`)}`;
  const status = {
    phase: 'Running',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
      type, status: 'True', lastProbeTime: null, lastTransitionTime: now,
    })),
    hostIP: '127.0.0.1',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: pod.status?.startTime ?? now,
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name, image: c.image, imageID: imageID(c.image), containerID: cid(c.name),
      ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } }, lastState: {},
    })),
  };
  const init = pod.spec?.initContainers ?? [];
  if (init.length) {
    status.initContainerStatuses = init.map((c) => ({
      name: c.name, image: c.image, imageID: imageID(c.image), containerID: cid(c.name),
      ready: true, restartCount: 0, lastState: {},
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now, containerID: cid(c.name) } },
    }));
  }
  // metadata.uid makes the patch fail (instead of hitting a same-named successor, e.g. a StatefulSet pod).
  return { metadata: { uid }, status };
}

// --bind: a pod bound to one of our nodes and being deleted waits for "the kubelet" to confirm.
function wantsFinalize(pod) {
  return opts.bind && !!pod.metadata.deletionTimestamp && nodeNames.includes(pod.spec?.nodeName);
}
async function finalize(e) {
  const { namespace: ns, name, uid } = e.pod.metadata;
  e.finalizing = true;
  try {
    const r = await request('DELETE', `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`,
      { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } });
    if (ok(r) || r.status === 404 || r.status === 409) {
      if (ok(r)) log(`terminated ${ns}/${name}`);
      forget(uid);
      return;
    }
    logErr(`delete:${uid}`, `confirm deletion of ${ns}/${name}: ${why(r)}`);
  } catch (err) {
    logErr('conn', `confirm deletion of ${ns}/${name}: ${err.message}`);
  }
  e.finalizing = false; // retried on the next list
}
let rr = 0;
function targetNode(pod) {
  // DaemonSet pods carry required node affinity on metadata.name (ScheduleDaemonSetPods).
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.find((v) => nodeNames.includes(v)) ?? null;
    }
  }
  return nodeNames[rr++ % nodeNames.length];
}
async function bind(pod) {
  const { namespace: ns, name, uid } = pod.metadata;
  const node = targetNode(pod);
  if (!node) return pod; // e.g. a DaemonSet pod for a node that isn't ours: leave it unbound
  const r = await request('POST', `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}/binding`, {
    apiVersion: 'v1', kind: 'Binding', metadata: { name, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node },
  });
  if (!ok(r) && r.status !== 409) throw Object.assign(new Error(`bind ${ns}/${name} to ${node}: ${why(r)}`), { status: r.status });
  return { ...pod, spec: { ...pod.spec, nodeName: node } };
}

async function markReady(e) {
  const pod = e.pod;
  const { namespace: ns, name, uid } = pod.metadata;
  e.inflight = true;
  try {
    if (!e.ip) e.ip = allocIp(uid);
    if (opts.bind && !pod.spec?.nodeName) {
      try {
        await bind(pod);
      } catch (err) {
        if (err.status === 404) { forget(uid); return; }
        throw err;
      }
    }
    const r = await request('PATCH', `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}/status`, readyStatus(pod, e.ip),
      { contentType: 'application/merge-patch+json' });
    if (ok(r)) {
      e.pod = r.json ?? pod;
      log(`ready ${ns}/${name} ip=${e.ip} after ${Date.now() - e.firstSeen} ms`);
    } else if (r.status === 404 || r.status === 409 || r.status === 422) {
      forget(uid); // gone or replaced by a same-named pod with another uid; the next list picks up the new one
    } else {
      logErr(`patch:${uid}`, `patch ${ns}/${name} status: ${why(r)}`);
    }
  } catch (err) {
    logErr('conn', `patch ${ns}/${name} status: ${err.message}`);
  } finally {
    e.inflight = false;
  }
}

async function reconcile({ immediate = false } = {}) {
  const started = Date.now();
  const r = await request('GET', '/api/v1/pods');
  if (!ok(r)) throw new Error(`list pods: ${why(r)}`);
  const seen = new Set();
  for (const pod of r.json.items ?? []) { seen.add(pod.metadata.uid); consider(pod, { immediate }); }
  for (const [uid, e] of tracked) if (!seen.has(uid) && e.firstSeen < started) forget(uid);
  return r.json.metadata?.resourceVersion;
}

// ------------------------------------------------------------------ watch (best effort; the poll loop is the safety net)
let watchReq = null;
function startWatch(rv) {
  if (watchReq || stopping || opts['no-watch']) return;
  let buf = '';
  const q = `watch=1&allowWatchBookmarks=true&timeoutSeconds=240${rv ? `&resourceVersion=${enc(rv)}` : ''}`;
  const req = https.request({
    agent, method: 'GET', hostname: base.hostname, port: base.port || 443, path: `/api/v1/pods?${q}`,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  }, (res) => {
    if (res.statusCode !== 200) { res.resume(); req.destroy(); return; }
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        let ev; try { ev = JSON.parse(line); } catch { continue; }
        if (ev.type === 'ERROR') { req.destroy(); return; } // e.g. 410 Gone: the next list restarts the watch
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') consider(ev.object);
        else if (ev.type === 'DELETED') forget(ev.object.metadata.uid);
      }
    });
    res.on('end', () => { if (watchReq === req) watchReq = null; });
    res.on('error', () => {});
  });
  req.on('error', () => {});
  req.on('close', () => { if (watchReq === req) watchReq = null; });
  req.end();
  watchReq = req;
}

// ------------------------------------------------------------------ fake nodes
const nodeNames = Array.from({ length: nodeCount }, (_, i) => `fake-node-${i + 1}`);
const nodeUids = new Map();
const nodeSince = nowSec();

async function ensureNode(name) {
  let r = await request('GET', `/api/v1/nodes/${enc(name)}`);
  if (r.status === 404) {
    r = await request('POST', '/api/v1/nodes', {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', 'kcm-test/fake-node': 'true',
        },
      },
      spec: {},
    });
    if (r.status === 409) r = await request('GET', `/api/v1/nodes/${enc(name)}`);
    if (!ok(r)) throw new Error(`create node ${name}: ${why(r)}`);
    log(`registered node ${name}`);
  } else if (!ok(r)) {
    throw new Error(`get node ${name}: ${why(r)}`);
  }
  nodeUids.set(name, r.json.metadata.uid);
}

async function heartbeatNode(name, retry = true) {
  if (!nodeUids.has(name)) await ensureNode(name);
  const now = nowSec();
  const cond = (type, status, reason, message) => ({
    type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: nodeSince,
  });
  const r = await request('PATCH', `/api/v1/nodes/${enc(name)}/status`, {
    status: {
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'fake kubelet'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'fake kubelet'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'fake kubelet'),
        cond('Ready', 'True', 'KubeletReady', 'fake kubelet (kube-cookiemonster test/cluster) is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
      capacity: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hash(name).slice(0, 32), systemUUID: hash(`uuid/${name}`).slice(0, 32), bootID: hash(`boot/${name}`).slice(0, 32),
        kernelVersion: 'fake', osImage: 'kube-cookiemonster fake node', containerRuntimeVersion: 'fake://0.0.0',
        kubeletVersion: 'v1.20.2', kubeProxyVersion: 'v1.20.2', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  }, { contentType: 'application/merge-patch+json' });
  if (r.status === 404 && retry) { // someone deleted the node: register it again right away
    nodeUids.delete(name);
    log(`node ${name} was deleted; re-registering`);
    return heartbeatNode(name, false);
  }
  if (!ok(r)) throw new Error(`node ${name} status: ${why(r)}`);

  const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${LEASE_NS}/leases/${enc(name)}`;
  const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_SECONDS, renewTime: nowMicro() };
  let l = await request('PATCH', leasePath, { spec }, { contentType: 'application/merge-patch+json' });
  if (l.status === 404) {
    l = await request('POST', `/apis/coordination.k8s.io/v1/namespaces/${LEASE_NS}/leases`, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: {
        name, namespace: LEASE_NS,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUids.get(name) }],
      },
      spec,
    });
  }
  if (!ok(l)) throw new Error(`lease ${name}: ${why(l)}`);
}

async function nodeLoop() {
  while (!stopping) {
    await Promise.all(nodeNames.map((n) => heartbeatNode(n).catch((err) => logErr(`node:${n}`, err.message))));
    await sleep(heartbeatMs);
  }
}

// ------------------------------------------------------------------ lifecycle
let stopping = false;
const pidFile = opts['pid-file'] ?? (opts['state-dir'] && !opts.once ? path.join(opts['state-dir'], 'fake-kubelet.pid') : undefined);
async function shutdown(sig) {
  if (stopping) return;
  stopping = true;
  log(`${sig}: stopping`);
  watchReq?.destroy();
  for (const e of tracked.values()) { clearTimeout(e.timer); clearTimeout(e.finalTimer); }
  if (opts['delete-nodes-on-exit']) {
    await Promise.race([
      Promise.all(nodeNames.map((n) => request('DELETE', `/api/v1/nodes/${enc(n)}`, undefined, { timeoutMs: 2000 }).catch(() => {}))),
      sleep(2500),
    ]);
  }
  try { if (pidFile && fs.readFileSync(pidFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(pidFile); } catch { /* gone */ }
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

if (opts.once) {
  try {
    await reconcile({ immediate: true });
    for (let i = 0; i < 200 && [...tracked.values()].some((e) => e.inflight); i++) await sleep(25);
    process.exit(0);
  } catch (err) {
    fail(err.message);
  }
}

if (pidFile) fs.writeFileSync(pidFile, `${process.pid}\n`);
log(`started pid=${process.pid} server=${server} ready-delay=${readyDelayMs}ms interval=${intervalMs}ms` +
  ` watch=${!opts['no-watch']} nodes=${nodeCount} bind=${opts.bind}`);
if (nodeCount) void nodeLoop();
while (!stopping) {
  try {
    const rv = await reconcile();
    startWatch(rv);
  } catch (err) {
    logErr('conn', err.message);
  }
  await sleep(intervalMs);
}
