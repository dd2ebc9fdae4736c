#!/usr/bin/env bash
# What a real node (node-up.sh STATE_DIR) may leave behind on the host; prints one line per leftover.
# Checks: processes of this node (command line mentions STATE_DIR, a container shim of k8s.io, a PID in a kubepods
# cgroup), kubepods cgroups, the kcm-node netns and CNI netns files, the host veth kcmn0 and route to the pods, mounts
# under STATE_DIR, /run/containerd or /run/netns/cni-*.
# Usage: test/cluster/node-leftovers.sh STATE_DIR      Exit: 0 nothing left; 1 something left (listed on stderr).
set -euo pipefail
[[ $# -eq 1 && -n "$1" ]] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
S=$1
left=()
# This check's own ancestors (node-down.sh, a smoke script, the test runner) may name STATE_DIR: they are not leftovers.
ancestors=" " p=$$
while [[ $p =~ ^[0-9]+$ && $p -gt 1 ]]; do ancestors+="$p "; p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0); done
while read -r pid args; do
  [[ $ancestors == *" $pid "* ]] && continue
  case "$args" in
    ps\ *) continue ;;
    *"$S"*|*containerd-shim*"-namespace k8s.io"*) left+=("process $pid: ${args:0:160}") ;;
  esac
done < <(ps -eo pid=,args=)
for h in /sys/fs/cgroup/*/kubepods; do
  [[ -d $h ]] || continue
  left+=("cgroup $h")
  while read -r p; do left+=("process $p in $h"); done < <(find "$h" -name cgroup.procs -exec cat {} + 2>/dev/null || true)
done
[[ ! -e /run/netns/kcm-node ]] || left+=("netns /run/netns/kcm-node")
for f in /run/netns/cni-*; do [[ -e $f ]] && left+=("netns file $f"); done
! ip link show kcmn0 >/dev/null 2>&1 || left+=("host interface kcmn0")
! ip route show 10.88.0.0/16 2>/dev/null | grep -q . || left+=("host route to 10.88.0.0/16")
while read -r _ mnt _; do
  case "$mnt" in "$S"/*|/run/containerd*|/run/netns/cni-*|/var/lib/kubelet*) left+=("mount $mnt") ;; esac
done </proc/self/mounts
if ((${#left[@]})); then
  printf '[node-leftovers] left behind: %s\n' "${left[@]}" >&2
  exit 1
fi
echo "[node-leftovers] nothing left behind by $S" >&2
