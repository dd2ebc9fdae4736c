#!/usr/bin/env bash
# End-to-end check of the harness: up.sh, fake kubelet, Deployment (3/3, pod delete -> recovery),
# StatefulSet (same), policy/v1beta1 PDB + eviction (429 / 201), never-ready annotation,
# DaemonSet on fake nodes, --bind (Service Endpoints, graceful delete), down.sh, and no process
# left behind. Prints a timing per phase; about 20 s with a warm binary cache.
#
# Usage: test/cluster/smoke.sh [STATE_DIR]     (default: a fresh mktemp dir, deleted on success)
# Needs: kubectl (Debian kubernetes-client 1.20, or any newer one), curl, jq, node.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
own_state=0
if [[ $# -ge 1 ]]; then STATE="$1"; else STATE=$(mktemp -d "${TMPDIR:-/tmp}/kcm-smoke.XXXXXX"); own_state=1; fi
command -v kubectl >/dev/null || { echo "[smoke] ERROR: kubectl not found (apt-get install kubernetes-client)" >&2; exit 1; }
NS=kcm-smoke
declare -a TIMES=()
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
say() { printf '[smoke] %s\n' "$*" >&2; }
record() { TIMES+=("$(printf '%-44s %8ss' "$1" "$2")"); say "$1: ${2}s"; }
die() { say "ERROR: $*"; exit 1; }
wait_until() { # $1 timeout s, $2 description, rest: command
  local end=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do (( $(date +%s) < end )) || die "timed out waiting for $what"; sleep 0.1; done
}
jget() { kubectl -n "$NS" get "$1" -o json | jq -r "$2"; }

cleanup() {
  local rc=$?
  if ((rc != 0)); then
    "$HERE/down.sh" "$STATE" || true
    say "FAILED (state and logs kept in $STATE)"
  else
    "$HERE/down.sh" "$STATE" >/dev/null 2>&1 || true   # already down; just make sure
    if ((own_state)); then rm -rf "$STATE"; fi
  fi
}
trap cleanup EXIT

# ------------------------------------------------------------------ up
t=$(now)
export KUBECONFIG
KUBECONFIG=$("$HERE/up.sh" "$STATE" | tail -n1)
record "up.sh (etcd + apiserver + controller-manager)" "$(dt "$t")"
# shellcheck disable=SC1091
source "$STATE/env"
api() { curl -sS --cacert "$KCM_CA_FILE" -H "@$STATE/pki/admin.header" "$@"; }

setsid node "$HERE/fake-kubelet.mjs" --state-dir "$STATE" --ready-delay-ms 500 --nodes 2 \
  >"$STATE/fake-kubelet.log" 2>&1 </dev/null &
wait_until 5 "fake-kubelet pid file" test -s "$STATE/fake-kubelet.pid"

kubectl create namespace "$NS" >/dev/null
wait_until 20 "default ServiceAccount in $NS" bash -c "kubectl -n $NS get sa default -o jsonpath='{.secrets[0].name}' | grep -q ."

# ------------------------------------------------------------------ Deployment
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: nginx:1.25}
      - {name: sidecar, image: busybox:1.36}
EOF
kubectl -n "$NS" rollout status deploy/web --timeout=60s >/dev/null
[[ $(jget deploy/web '.status.availableReplicas') == 3 ]] || die "deployment not 3/3 available"
record "Deployment 3/3 available (ready delay 500 ms)" "$(dt "$t")"

victim=$(kubectl -n "$NS" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
t=$(now)
kubectl -n "$NS" delete pod "$victim" --wait=false >/dev/null
wait_until 10 "deployment to drop below 3 available" \
  bash -c "[[ \$(kubectl -n $NS get deploy web -o jsonpath='{.status.availableReplicas}') != 3 ]]"
record "  pod deleted -> Deployment shows <3 available" "$(dt "$t")"
wait_until 30 "deployment back to 3/3" bash -c "
  [[ \$(kubectl -n $NS get deploy web -o jsonpath='{.status.availableReplicas}') == 3 ]] &&
  ! kubectl -n $NS get pod $victim"
record "  pod deleted -> Deployment 3/3 again" "$(dt "$t")"
ips=$(kubectl -n "$NS" get pods -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | sort)
[[ $(uniq <<<"$ips" | wc -l) == $(wc -l <<<"$ips") ]] || die "duplicate pod IPs: $ips"

# ------------------------------------------------------------------ StatefulSet
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      initContainers: [{name: init, image: busybox:1.36}]
      containers: [{name: pg, image: postgres:16}]
EOF
wait_until 60 "statefulset 3/3 ready" bash -c "[[ \$(kubectl -n $NS get sts db -o jsonpath='{.status.readyReplicas}') == 3 ]]"
record "StatefulSet 3/3 ready (OrderedReady)" "$(dt "$t")"
uid=$(jget pod/db-1 '.metadata.uid')
t=$(now)
kubectl -n "$NS" delete pod db-1 --wait=false >/dev/null
wait_until 30 "db-1 recreated and ready" bash -c "
  p=\$(kubectl -n $NS get pod db-1 -o json) &&
  [[ \$(jq -r .metadata.uid <<<\"\$p\") != $uid ]] &&
  [[ \$(jq -r '.status.conditions[]? | select(.type==\"Ready\") | .status' <<<\"\$p\") == True ]] &&
  [[ \$(kubectl -n $NS get sts db -o jsonpath='{.status.readyReplicas}') == 3 ]]"
record "  db-1 deleted -> recreated (new uid) and 3/3" "$(dt "$t")"

# ------------------------------------------------------------------ PDB + eviction (policy/v1beta1)
kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 3, selector: {matchLabels: {app: web}}}
EOF
wait_until 20 "PDB status (disruptionsAllowed=0, 3 healthy)" bash -c "
  s=\$(kubectl -n $NS get pdb web -o json) &&
  [[ \$(jq -r '.status.currentHealthy' <<<\"\$s\") == 3 ]] &&
  [[ \$(jq -r '.status.disruptionsAllowed' <<<\"\$s\") == 0 ]] &&
  [[ \$(jq -r '.status.observedGeneration' <<<\"\$s\") == \$(jq -r '.metadata.generation' <<<\"\$s\") ]]"
evict() { # $1 pod -> prints HTTP code
  api -o "$STATE/evict.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    "$KCM_API_SERVER/api/v1/namespaces/$NS/pods/$1/eviction" \
    -d "{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"$1\",\"namespace\":\"$NS\"}}"
}
pod=$(kubectl -n "$NS" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
code=$(evict "$pod")
[[ $code == 429 ]] || die "eviction with minAvailable=3 returned $code, want 429: $(cat "$STATE/evict.out")"
say "eviction blocked by PDB: 429 $(jq -r .message "$STATE/evict.out")"
kubectl -n "$NS" patch pdb web --type=merge -p '{"spec":{"minAvailable":2}}' >/dev/null 2>&1 || {
  # PDB spec is immutable before 1.15 and mutable since; recreate if the patch is refused.
  kubectl -n "$NS" delete pdb web >/dev/null
  kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
EOF
}
wait_until 20 "PDB disruptionsAllowed=1" bash -c "[[ \$(kubectl -n $NS get pdb web -o jsonpath='{.status.disruptionsAllowed}') == 1 ]]"
code=$(evict "$pod")
[[ $code == 201 ]] || die "eviction with minAvailable=2 returned $code, want 201: $(cat "$STATE/evict.out")"
say "eviction allowed by PDB: 201"
wait_until 30 "deployment back to 3/3 after eviction" \
  bash -c "[[ \$(kubectl -n $NS get deploy web -o jsonpath='{.status.availableReplicas}') == 3 ]]"
kubectl -n "$NS" delete pdb web >/dev/null

# ------------------------------------------------------------------ never-ready annotation
kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  replicas: 1
  selector: {matchLabels: {app: broken}}
  template:
    metadata: {labels: {app: broken}, annotations: {kcm-test/never-ready: "true"}}
    spec: {containers: [{name: c, image: busybox:1.36}]}
EOF
sleep 3
[[ $(jget deploy/broken '.status.readyReplicas // 0') == 0 ]] || die "never-ready deployment became ready"
[[ $(kubectl -n "$NS" get pods -l app=broken -o jsonpath='{.items[0].status.phase}') == Pending ]] || die "never-ready pod not Pending"
say "never-ready deployment stays 0/1 (pod Pending)"

# ------------------------------------------------------------------ DaemonSet on fake nodes
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox:1.36}]}
EOF
wait_until 30 "daemonset 2/2 ready on fake nodes" bash -c "
  s=\$(kubectl -n $NS get ds agent -o json) &&
  [[ \$(jq -r .status.desiredNumberScheduled <<<\"\$s\") == 2 ]] &&
  [[ \$(jq -r .status.numberReady <<<\"\$s\") == 2 ]] && [[ \$(jq -r .status.numberAvailable <<<\"\$s\") == 2 ]]"
record "DaemonSet 2/2 ready on 2 fake nodes" "$(dt "$t")"
victim=$(kubectl -n "$NS" get pods -l app=agent -o jsonpath='{.items[0].metadata.name}')
t=$(now)
kubectl -n "$NS" delete pod "$victim" --wait=false >/dev/null
wait_until 30 "daemonset pod replaced" bash -c "
  ! kubectl -n $NS get pod $victim && [[ \$(kubectl -n $NS get ds agent -o jsonpath='{.status.numberAvailable}') == 2 ]]"
record "  DaemonSet pod deleted -> 2/2 again" "$(dt "$t")"

# ------------------------------------------------------------------ --bind: Services get Endpoints, deletes are graceful
kill -TERM "$(cat "$STATE/fake-kubelet.pid")"
wait_until 5 "fake-kubelet to stop" bash -c "! test -e '$STATE/fake-kubelet.pid'"
setsid node "$HERE/fake-kubelet.mjs" --state-dir "$STATE" --nodes 2 --bind --termination-delay-ms 1000 \
  >>"$STATE/fake-kubelet.log" 2>&1 </dev/null &
wait_until 5 "fake-kubelet pid file" test -s "$STATE/fake-kubelet.pid"
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: nginx:1.25, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
EOF
kubectl -n "$NS" rollout status deploy/api --timeout=30s >/dev/null
wait_until 20 "Endpoints for Service api" bash -c "
  [[ \$(kubectl -n $NS get endpoints api -o json | jq '[.subsets[]?.addresses[]?] | length') == 2 ]]"
record "--bind: Deployment 2/2 + Service Endpoints" "$(dt "$t")"
[[ -n $(kubectl -n "$NS" get pods -l app=api -o jsonpath='{.items[0].spec.nodeName}') ]] || die "--bind left a pod unbound"
victim=$(kubectl -n "$NS" get pods -l app=api -o jsonpath='{.items[0].metadata.name}')
t=$(now)
kubectl -n "$NS" delete pod "$victim" --wait=false >/dev/null
[[ -n $(kubectl -n "$NS" get pod "$victim" -o jsonpath='{.metadata.deletionTimestamp}') ]] || die "bound pod was not Terminating"
kubectl -n "$NS" wait --for=delete "pod/$victim" --timeout=20s >/dev/null
record "  --bind: pod Terminating until confirmed (1 s)" "$(dt "$t")"

# ------------------------------------------------------------------ down + leftovers
t=$(now)
"$HERE/down.sh" "$STATE"
record "down.sh" "$(dt "$t")"
left=$(ps -eo pid=,args= | grep -F -- "$STATE" | grep -E 'kube-apiserver|kube-controller-manager|etcd|fake-kubelet' | grep -v grep || true)
[[ -z "$left" ]] || die "processes left behind: $left"
say "no etcd / kube-apiserver / kube-controller-manager / fake-kubelet process left"
printf '%s\n' "${TIMES[@]}"
say "OK"
