#!/usr/bin/env bash
# Stop what up.sh (and fake-kubelet.mjs) started in STATE_DIR and remove the etcd data dir.
# Idempotent: a missing STATE_DIR, missing pid files or already-dead processes are fine.
#
# Usage: test/cluster/down.sh STATE_DIR
# Env:   KCM_STOP_TIMEOUT  seconds between SIGTERM and SIGKILL per process (default 10)
# Exit:  0 when nothing recorded is left running; 1 if a process survived SIGKILL.
set -euo pipefail
log() { printf '[down] %s\n' "$*" >&2; }

[[ $# -eq 1 && -n "$1" ]] || { log "usage: $0 STATE_DIR"; exit 2; }
STATE="$1"
if [[ ! -d "$STATE" ]]; then log "$STATE does not exist; nothing to stop"; exit 0; fi
TIMEOUT="${KCM_STOP_TIMEOUT:-10}"

# Is $1 still the process we started? (guards against PID reuse) $2 = substring of its command line.
ours() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' </proc/$1/cmdline | grep -qF -- "$2"; }
gone() { ! kill -0 "$1" 2>/dev/null || [[ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" == Z ]]; }

rc=0
stop() { # $1 pid-file name, $2 command-line marker
  local f="$STATE/$1.pid" pid i
  [[ -s "$f" ]] || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || gone "$pid" || ! ours "$pid" "$2"; then
    rm -f "$f"; return 0
  fi
  log "stopping $1 (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < TIMEOUT * 10; i++)); do gone "$pid" && break; sleep 0.1; done
  if ! gone "$pid"; then
    log "$1 (pid $pid) ignored SIGTERM for ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do gone "$pid" && break; sleep 0.1; done
  fi
  if gone "$pid"; then rm -f "$f"; else log "ERROR: $1 (pid $pid) is still running"; rc=1; fi
}

# Reverse start order; the stand-in first so it doesn't log errors against a dying apiserver.
stop fake-kubelet fake-kubelet
stop kube-controller-manager kube-controller-manager
stop kube-apiserver kube-apiserver
stop etcd etcd
if ((rc == 0)); then
  rm -rf "$STATE/etcd-data"
  log "stopped; removed $STATE/etcd-data (logs and certs kept in $STATE)"
fi
exit "$rc"
