#!/usr/bin/env bash
# End-to-end check of the real node: node-up.sh, a Deployment of 3 busybox httpd pods with an httpGet readiness
# probe → 3/3 Ready real containers, a pod IP answers from the host, a deleted pod gets SIGTERM (its trap writes to a
# hostPath file) and is replaced, then node-down.sh and node-leftovers.sh (no process, mount, cgroup, netns or
# interface left). Prints a timing per phase.
#
# Usage: test/cluster/node-smoke.sh [STATE_DIR]    (default: a fresh mktemp dir, deleted on success). Needs root.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
own_state=0
if [[ $# -ge 1 ]]; then mkdir -p "$1"; STATE=$(cd "$1" && pwd); else STATE=$(mktemp -d "${TMPDIR:-/tmp}/kcm-node-smoke.XXXXXX"); own_state=1; fi
declare -a TIMES=()
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
say() { printf '[node-smoke] %s\n' "$*" >&2; }
record() { TIMES+=("$(printf '%-46s %8ss' "$1" "$2")"); say "$1: ${2}s"; }
die() { say "ERROR: $*"; exit 1; }
cleanup() {
  local rc=$?
  if ((rc != 0)); then "$HERE/node-down.sh" "$STATE" || true; say "FAILED (logs kept in $STATE/logs)"; fi
}
trap cleanup EXIT

t=$(now)
KUBECONFIG_FILE=$("$HERE/node-up.sh" "$STATE" | tail -n1)
record "node-up.sh (control plane + node Ready)" "$(dt "$t")"
# shellcheck disable=SC1091
source "$STATE/env"
api() { curl -fsS --max-time 10 --cacert "$KCM_CA_FILE" -H "@$STATE/cp/pki/admin.header" "$@"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"; }
wait_until() { # $1 description, rest: command; bounded by the smoke's own 120 s per step
  local what=$1 end=$(( $(date +%s) + 120 )); shift
  until "$@" >/dev/null 2>&1; do (( $(date +%s) < end )) || die "timed out waiting for $what"; sleep 0.2; done
}

post() { api -X POST -H 'Content-Type: application/json' "$KCM_API_SERVER$1" -d "$2" >/dev/null; }
post /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"smoke"}}'
wait_until "the default ServiceAccount token in smoke" bash -c \
  "curl -fsS --cacert '$KCM_CA_FILE' -H @'$STATE/cp/pki/admin.header' '$KCM_API_SERVER/api/v1/namespaces/smoke/serviceaccounts/default' | grep -q secrets"
t=$(now)
post /apis/apps/v1/namespaces/smoke/deployments "$(cat <<EOF
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,
 "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{
 "terminationGracePeriodSeconds":5,
 "containers":[{"name":"web","image":"localhost/busybox:1.35","imagePullPolicy":"Never",
  "command":["/bin/sh","-c","echo \"start\" >>/evidence/\$(HOSTNAME).log; echo hi from \$(HOSTNAME) >/www/index.html; httpd -f -p 8080 -h /www & c=\$\$!; trap 'echo SIGTERM >>/evidence/\$(HOSTNAME).log; kill \$\$c; exit 0' TERM; wait \$\$c"],
  "env":[{"name":"HOSTNAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
  "readinessProbe":{"httpGet":{"path":"/","port":8080},"periodSeconds":1},
  "resources":{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"cpu":"200m","memory":"64Mi"}},
  "volumeMounts":[{"name":"evidence","mountPath":"/evidence"}]}],
 "volumes":[{"name":"evidence","hostPath":{"path":"$KCM_NODE_EVIDENCE_DIR","type":"Directory"}}]}}}}
EOF
)"
deploy_ready() { [[ $(api "$KCM_API_SERVER/apis/apps/v1/namespaces/smoke/deployments/web" | json 'o.status.readyReplicas') == 3 ]]; }
wait_until "Deployment web 3/3 Ready" deploy_ready
record "Deployment 3/3 Ready (real containers)" "$(dt "$t")"
pods=$(api "$KCM_API_SERVER/api/v1/namespaces/smoke/pods")
ip=$(json 'o.items[0].status.podIP' <<<"$pods")
victim=$(json 'o.items[0].metadata.name' <<<"$pods")
cid=$(json 'o.items[0].status.containerStatuses[0].containerID' <<<"$pods")
[[ $cid == containerd://* ]] || die "pod $victim has no containerd container ID: $cid"
[[ $(curl -fsS --max-time 5 "http://$ip:8080/") == "hi from $victim" ]] || die "pod IP $ip did not answer from the host"
say "pod $victim ($cid) answers on $ip:8080 from the host"

t=$(now)
api -X DELETE "$KCM_API_SERVER/api/v1/namespaces/smoke/pods/$victim" >/dev/null
wait_until "SIGTERM in $victim's evidence file" grep -q SIGTERM "$KCM_NODE_EVIDENCE_DIR/$victim.log"
record "  delete -> SIGTERM seen by the container" "$(dt "$t")"
gone() { ! api "$KCM_API_SERVER/api/v1/namespaces/smoke/pods/$victim"; }
wait_until "pod $victim to be gone" gone
wait_until "Deployment web 3/3 again" deploy_ready
record "  delete -> victim gone and 3/3 Ready again" "$(dt "$t")"

t=$(now)
"$HERE/node-down.sh" "$STATE"
record "node-down.sh (incl. leftover check)" "$(dt "$t")"
printf '%s\n' "${TIMES[@]}"
((own_state)) && rm -rf "$STATE"
say "OK"
