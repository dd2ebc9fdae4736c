#!/usr/bin/env bash
# Tear down what node-up.sh started in STATE_DIR, leaving no process, mount, cgroup, netns or interface behind
# (recipe: real-node.md §7). Idempotent. Every process is stopped by PID: the recorded daemons, then the container
# shims (parents of the tasks containerd lists) and anything still in a kubepods cgroup.
#
# Usage: test/cluster/node-down.sh STATE_DIR
# Env:   KCM_STOP_TIMEOUT  seconds between SIGTERM and SIGKILL per daemon (default 10)
# Exit:  0 when the checks in node-leftovers.sh find nothing; 1 otherwise (and it prints what is left).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETNS=kcm-node HOST_IF=kcmn0
log() { printf '[node-down] %s\n' "$*" >&2; }
[[ $# -eq 1 && -n "$1" ]] || { log "usage: $0 STATE_DIR"; exit 2; }
if [[ ! -d "$1" ]]; then log "$1 does not exist; nothing to stop"; exit 0; fi
S=$(cd "$1" && pwd)
TIMEOUT="${KCM_STOP_TIMEOUT:-10}"
t0=$(date +%s.%N)

gone() { ! kill -0 "$1" 2>/dev/null || [[ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" == Z ]]; }
ours() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' </proc/$1/cmdline | grep -qF -- "$2"; }
stop() { # $1 pid-file name, $2 command-line marker (guards against PID reuse)
  local f="$S/pids/$1.pid" pid i
  [[ -s "$f" ]] || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  if [[ "$pid" =~ ^[0-9]+$ ]] && ! gone "$pid" && ours "$pid" "$2"; then
    log "stopping $1 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < TIMEOUT * 10; i++)); do gone "$pid" && break; sleep 0.1; done
    gone "$pid" || { log "$1 (pid $pid) ignored SIGTERM; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    for ((i = 0; i < 50; i++)); do gone "$pid" && break; sleep 0.1; done
  fi
  rm -f "$f"
}
ctrx() { timeout 20 ctr -n k8s.io "$@" 2>/dev/null || true; }

stop kubelet kubelet
stop kube-scheduler kube-scheduler
if [[ -s "$S/pids/containerd.pid" ]] && ! gone "$(cat "$S/pids/containerd.pid")"; then
  # The shims outlive containerd: note them (the parents of the task PIDs) before killing the tasks.
  shims=$(ctrx tasks ls | awk 'NR > 1 && $2 ~ /^[0-9]+$/ && $2 != 0 {print $2}' \
    | while read -r p; do awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null || true; done | sort -u)
  for t in $(ctrx tasks ls -q); do ctrx tasks kill -s KILL "$t" >/dev/null; done
  for i in $(seq 30); do [[ -z "$(ctrx tasks ls | awk 'NR > 1 && $3 != "STOPPED"')" ]] && break; sleep 0.1; done
  for t in $(ctrx tasks ls -q); do ctrx tasks delete -f "$t" >/dev/null; done
  for c in $(ctrx containers ls -q); do ctrx containers delete "$c" >/dev/null; done
  stop containerd containerd
  for p in $shims; do
    if ! gone "$p" && ours "$p" containerd-shim; then log "killing shim pid $p"; kill -KILL "$p" 2>/dev/null || true; fi
  done
else
  rm -f "$S/pids/containerd.pid"
fi
# Anything still in a kubepods cgroup (a container whose shim died first) is killed by PID, then the cgroups go.
for h in /sys/fs/cgroup/*/kubepods; do
  [[ -d $h ]] || continue
  for p in $(find "$h" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u || true); do
    log "killing pid $p left in $h"; kill -KILL "$p" 2>/dev/null || true
  done
done
for h in /sys/fs/cgroup/*/kubepods; do
  [[ -d $h ]] || continue
  for i in $(seq 50); do find "$h" -depth -type d -exec rmdir {} + 2>/dev/null || true; [[ -d $h ]] || break; sleep 0.1; done
done
if [[ -d "$S/cp" ]]; then "$HERE/down.sh" "$S/cp" >/dev/null || true; fi
# Last sweep, by PID: whatever still runs in the node's network namespace (a shim whose task ctr could not list, when
# containerd hung) is this node's and nobody else's.
if [[ -e /run/netns/$NETNS ]]; then
  ns_id=$(stat -L -c %i "/run/netns/$NETNS")
  for d in /proc/[0-9]*; do
    [[ "$(stat -L -c %i "$d/ns/net" 2>/dev/null || true)" == "$ns_id" ]] || continue
    p=${d#/proc/}; log "killing pid $p left in netns $NETNS: $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null | cut -c1-100 || true)"
    kill -KILL "$p" 2>/dev/null || true
  done
  sleep 0.5
fi
if [[ -e /run/netns/$NETNS ]]; then ip netns del "$NETNS" || true; fi    # takes the node's veth end, cni0 and the DNAT rule
if ip link show "$HOST_IF" >/dev/null 2>&1; then ip link del "$HOST_IF" || true; fi  # normally gone with its peer
rm -f /run/netns/cni-*
if [[ ! -s "$S/pids/netns-mount-preexisted" ]] && [[ -d /run/netns ]] && [[ -z "$(ls -A /run/netns)" ]]; then
  umount /run/netns 2>/dev/null || true; rmdir /run/netns 2>/dev/null || true
fi
# Paths the kubelet, containerd and CNI create by themselves; node-up.sh recorded which existed before it (kept).
for d in /var/log/pods /var/log/containers /var/lib/kubelet /var/lib/cni /run/containerd; do
  grep -qxF "$d" "$S/pids/preexisting-paths" 2>/dev/null || rm -rf "$d"
done
rm -rf "$S/containerd" "$S/kubelet" "$S/cni" "$S/pids/netns-mount-preexisted"
log "down in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}')"
"$HERE/node-leftovers.sh" "$S"
