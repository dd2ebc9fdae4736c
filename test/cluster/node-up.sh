#!/usr/bin/env bash
# A real node next to up.sh's control plane: containerd + runc + CNI bridge, kubelet and kube-scheduler v1.20.2, all
# inside a network namespace of their own (recipe: /work/shared/docs/real-node.md §3-4).
#
# Usage: test/cluster/node-up.sh STATE_DIR
#   Prints the admin kubeconfig (STATE_DIR/kubeconfig, server https://10.99.0.2:6443, usable from the host) as the
#   LAST LINE OF STDOUT once node `kcm-node` is Ready; progress goes to stderr. Needs root.
#
# Layout: netns `kcm-node` holds etcd, kube-apiserver, kube-controller-manager (up.sh, state in STATE_DIR/cp),
# kube-scheduler, containerd and the kubelet. A veth pair joins it to the host: host kcmn0 = 10.99.0.1, node kcmn1 =
# 10.99.0.2 (the node IP and the apiserver's address). Pods get 10.88.0.0/16 on bridge cni0 inside the netns; the host
# reaches them through a route via 10.99.0.2. The netns has NO default route (real-node.md gotcha 5). One iptables DNAT
# rule in the netns sends the `kubernetes` Service (10.0.0.1:443) to the apiserver, so in-cluster clients work
# without kube-proxy. containerd and the kubelet also get a private mount namespace: their overlay, tmpfs and netns
# mounts, and the bind-mounted sysctl files (gotcha 3), never show on the host and vanish with their last process.
# Every daemon is started with setsid and records its own PID; node-down.sh stops them by those PIDs.
#
# Env:
#   KCM_BIN_DIR           kube-apiserver + kube-controller-manager (default: provision.sh)
#   KCM_NODE_BIN_DIR      kubelet + kube-scheduler + pause (default: provision.sh node)
#   KCM_NODE_UP_TIMEOUT   seconds to wait for the node to be Ready (default 120)
#
# On failure it prints the log tails and runs node-down.sh, so nothing is left behind.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETNS=kcm-node
NODE_NAME=kcm-node
HOST_IF=kcmn0 NODE_IF=kcmn1 HOST_IP=10.99.0.1 NODE_IP=10.99.0.2 POD_CIDR=10.88.0.0/16
log() { printf '[node-up] %s\n' "$*" >&2; }
die() { printf '[node-up] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- inner part: in the netns + a private mount namespace
if [[ "${1:-}" == --inner ]]; then
  S=$2
  # Gotcha 3: the kubelet writes these global sysctls; give it private copies instead of touching the host's.
  mkdir -p "$S/fake-sysctl"
  printf '1\n' >"$S/fake-sysctl/overcommit_memory"; printf '10\n' >"$S/fake-sysctl/panic"; printf '1\n' >"$S/fake-sysctl/panic_on_oops"
  mount --bind "$S/fake-sysctl/overcommit_memory" /proc/sys/vm/overcommit_memory
  mount --bind "$S/fake-sysctl/panic" /proc/sys/kernel/panic
  mount --bind "$S/fake-sysctl/panic_on_oops" /proc/sys/kernel/panic_on_oops
  start() { # $1 name, rest: command; the process writes its own PID (after setsid) before exec
    local n=$1 i; shift
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$S/pids/$n.pid" "$@" >"$S/logs/$n.log" 2>&1 </dev/null &
    for i in $(seq 100); do [[ -s "$S/pids/$n.pid" ]] && return 0; sleep 0.02; done
    die "$n did not start"
  }
  start containerd containerd --config "$S/etc/containerd.toml"
  for i in $(seq 200); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done
  ctr version >/dev/null 2>&1 || die "containerd did not answer on /run/containerd/containerd.sock (see $S/logs/containerd.log)"
  for img in "$S"/img/*.tar; do
    base=$(basename "$img" .tar)
    ctr -n k8s.io images import --base-name "localhost/$base" "$img" >/dev/null || die "ctr could not import $img"
  done
  start kubelet "$NODE_BIN/kubelet" --config="$S/etc/kubelet-config.yaml" --kubeconfig="$S/cp/kubeconfig" \
    --container-runtime=remote --container-runtime-endpoint=unix:///run/containerd/containerd.sock \
    --root-dir="$S/kubelet" --cert-dir="$S/kubelet/pki" --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --v=2
  exit 0
fi

# ---------------------------------------------------------------- outer part
[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 STATE_DIR"
[[ $(id -u) -eq 0 ]] || die "needs root (network namespace, containerd, kubelet)"
for c in ip nsenter unshare setsid containerd ctr runc umoci iptables curl; do
  command -v "$c" >/dev/null || die "$c not found (run: bash test/cluster/provision.sh node)"
done
[[ -x /usr/lib/cni/bridge ]] || die "/usr/lib/cni/bridge not found (apt-get install containernetworking-plugins)"
mkdir -p "$1"
S=$(cd "$1" && pwd)
TIMEOUT="${KCM_NODE_UP_TIMEOUT:-120}"
t0=$(date +%s.%N)
since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}'; }

[[ ! -e /run/netns/$NETNS ]] || die "network namespace $NETNS exists: another real node is up (node-down.sh its STATE_DIR first)"
[[ ! -S /run/containerd/containerd.sock ]] || ! ctr version >/dev/null 2>&1 \
  || die "a containerd already answers on /run/containerd/containerd.sock; this node needs that socket"
! ip link show "$HOST_IF" >/dev/null 2>&1 || die "host interface $HOST_IF exists (a previous node not torn down? run node-down.sh)"
for d in /sys/fs/cgroup/*/kubepods; do [[ ! -d $d ]] || die "$d exists: another kubelet runs on this host"; done

NODE_BIN="${KCM_NODE_BIN_DIR:-}"
[[ -n "$NODE_BIN" ]] || NODE_BIN=$("$HERE/provision.sh" node | tail -n1) || die "provision.sh node failed"
CP_BIN="${KCM_BIN_DIR:-}"
[[ -n "$CP_BIN" ]] || CP_BIN=$("$HERE/provision.sh" | tail -n1) || die "provision.sh failed"
for b in "$NODE_BIN/kubelet" "$NODE_BIN/kube-scheduler" "$NODE_BIN/pause" "$CP_BIN/kube-apiserver"; do
  [[ -x "$b" ]] || die "$b missing (run provision.sh / provision.sh node)"
done

umask 022
rm -rf "$S/pids" "$S/etc" "$S/img" "$S/containerd" "$S/kubelet" "$S/cni"
mkdir -p "$S/pids" "$S/logs" "$S/etc/cni/net.d" "$S/img" "$S/containerd/root" "$S/kubelet/pki" "$S/cni/ipam" "$S/cp"
mkdir -p -m 1777 "$S/evidence"
chmod 1777 "$S/evidence"

failed() {
  local rc=$?
  trap - EXIT INT TERM
  ((rc == 0)) && return 0
  for f in "$S/logs/kubelet.log" "$S/logs/containerd.log" "$S/logs/kube-scheduler.log"; do
    [[ -s $f ]] && { printf '[node-up] ---- last 20 lines of %s ----\n' "$f" >&2; tail -n 20 "$f" >&2; }
  done
  log "stopping what was started"
  "$HERE/node-down.sh" "$S" >&2 || true
  exit "$rc"
}
trap failed EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- images (no registry)
"$HERE/build-images.sh" "$S/img" "$NODE_BIN/pause" >&2

# ---------------------------------------------------------------- configuration
RUNC=$(command -v runc)
cat >"$S/etc/containerd.toml" <<EOF
version = 2
root = "$S/containerd/root"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:3.4.1"
  enable_selinux = false
  # This VM lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj, every sandbox fails without this (gotcha 1).
  restrict_oom_score_adj = true
  max_container_log_line_size = 16384
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$RUNC"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$S/etc/cni/net.d"
    max_conf_num = 1
EOF
cat >"$S/etc/cni/net.d/10-kcm-node.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "kcm-node", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$S/cni/ipam", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]}
EOF
cat >"$S/etc/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
cgroupsPerQOS: true
enforceNodeAllocatable: ["pods"]
failSwapOn: false
# The apiserver has no kubelet client certificate: anonymous + AlwaysAllow make logs and exec work (test node only).
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
address: 0.0.0.0
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
clusterDomain: cluster.local
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
serializeImagePulls: false
nodeStatusUpdateFrequency: 10s
# A deleted pod is confirmed (removed from the API) only when the kubelet's status manager syncs it after its
# resources are reclaimed; with the default 1 m resync that took up to 55 s here. 10 s keeps Terminating short.
syncFrequency: 10s
maxPods: 50
EOF

# ---------------------------------------------------------------- network namespace
grep -qs ' /run/netns ' /proc/mounts && echo yes >"$S/pids/netns-mount-preexisted" || true
for d in /var/log/pods /var/log/containers /var/lib/kubelet /var/lib/cni /run/containerd; do
  [[ ! -e $d ]] || echo "$d"
done >"$S/pids/preexisting-paths"
ip netns add "$NETNS"
NS=(nsenter "--net=/run/netns/$NETNS")   # not `ip netns exec`: it remounts /sys and hides the cgroups (gotcha 2)
ip link add "$HOST_IF" type veth peer name "$NODE_IF"
ip link set "$NODE_IF" netns "$NETNS"
ip addr add "$HOST_IP/24" dev "$HOST_IF"
ip link set "$HOST_IF" up
ip -n "$NETNS" link set lo up
ip -n "$NETNS" addr add "$NODE_IP/24" dev "$NODE_IF"
ip -n "$NETNS" link set "$NODE_IF" up
ip route add "$POD_CIDR" via "$NODE_IP" dev "$HOST_IF"
"${NS[@]}" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
# The `kubernetes` Service without kube-proxy: pods (in-cluster config) reach the apiserver at 10.0.0.1:443.
"${NS[@]}" iptables -t nat -A PREROUTING -d 10.0.0.1/32 -p tcp --dport 443 -j DNAT --to-destination "$NODE_IP:6443"
"${NS[@]}" iptables -t nat -A OUTPUT -d 10.0.0.1/32 -p tcp --dport 443 -j DNAT --to-destination "$NODE_IP:6443"
log "netns $NETNS: host $HOST_IP <-> node $NODE_IP, pods $POD_CIDR ($(since))"

# ---------------------------------------------------------------- control plane and scheduler (in the netns)
KUBECONFIG_FILE=$("${NS[@]}" env KCM_BIN_DIR="$CP_BIN" KCM_API_ADDRESS="$NODE_IP" "$HERE/up.sh" "$S/cp" | tail -n1)
[[ -s "$KUBECONFIG_FILE" ]] || die "up.sh printed no kubeconfig"
log "control plane up ($(since))"
setsid "${NS[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$S/pids/kube-scheduler.pid" "$NODE_BIN/kube-scheduler" \
  --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
  --bind-address=127.0.0.1 --secure-port=10259 --port=0 --leader-elect=false --v=1 \
  >"$S/logs/kube-scheduler.log" 2>&1 </dev/null &

# ---------------------------------------------------------------- containerd + kubelet (netns + private mount ns)
"${NS[@]}" unshare --mount --propagation private env NODE_BIN="$NODE_BIN" NODE_IP="$NODE_IP" NODE_NAME="$NODE_NAME" \
  bash "$HERE/node-up.sh" --inner "$S"
log "containerd and kubelet started ($(since)); waiting for node $NODE_NAME to be Ready"

CA="$S/cp/pki/ca.crt" HDR="$S/cp/pki/admin.header" API="https://$NODE_IP:6443"
ready() {
  curl -fsS --max-time 3 --cacert "$CA" -H "@$HDR" "$API/api/v1/nodes/$NODE_NAME" 2>/dev/null \
    | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'
}
deadline=$(( $(date +%s) + TIMEOUT ))
until ready; do
  for n in kubelet containerd kube-scheduler; do
    kill -0 "$(cat "$S/pids/$n.pid" 2>/dev/null || echo 0)" 2>/dev/null || die "$n exited (see $S/logs/$n.log)"
  done
  (( $(date +%s) < deadline )) || die "node $NODE_NAME not Ready after ${TIMEOUT}s (see $S/logs/kubelet.log)"
  sleep 0.5
done
cp "$KUBECONFIG_FILE" "$S/kubeconfig"
cat >"$S/env" <<EOF
# written by test/cluster/node-up.sh; source it. No secrets here.
KCM_NODE_STATE_DIR=$S
KUBECONFIG=$S/kubeconfig
KCM_API_SERVER=$API
KCM_CA_FILE=$CA
KCM_TOKEN_FILE=$S/cp/admin.token
KCM_NODE_NAME=$NODE_NAME
KCM_NODE_NETNS=$NETNS
KCM_NODE_EVIDENCE_DIR=$S/evidence
EOF
trap - EXIT INT TERM
log "node $NODE_NAME Ready in $(since) (pids: kubelet $(cat "$S/pids/kubelet.pid"), containerd $(cat "$S/pids/containerd.pid"), kube-scheduler $(cat "$S/pids/kube-scheduler.pid"))"
echo "$S/kubeconfig"
