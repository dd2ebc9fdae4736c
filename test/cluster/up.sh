#!/usr/bin/env bash
# Start etcd + kube-apiserver + kube-controller-manager on 127.0.0.1 (recipe: control-plane.md §4-5).
#
# Usage: test/cluster/up.sh STATE_DIR
#   Prints the admin kubeconfig path (STATE_DIR/kubeconfig) as the last line of stdout; progress goes to stderr.
#
# STATE_DIR afterwards holds (mode 0700):
#   kubeconfig            admin (system:masters), strict TLS with CA data, namespace default
#   kubeconfig-insecure   same user, insecure-skip-tls-verify: true (for tools that can't take a CA)
#   kubeconfig-kcm        controller-manager's own kubeconfig
#   env                   shell-sourceable: KUBECONFIG, KCM_API_SERVER, KCM_CA_FILE, KCM_TOKEN_FILE, KCM_STATE_DIR
#   admin.token           the admin bearer token (0600; never printed)
#   pki/                  ca, apiserver serving cert, sa keypair, front-proxy ca + client cert, tokens.csv
#   etcd-data/            fresh etcd data dir (removed by down.sh)
#   *.pid, *.log          etcd, kube-apiserver, kube-controller-manager
#
# Env:
#   KCM_BIN_DIR      dir with kube-apiserver + kube-controller-manager (default: run provision.sh, warm ~1 s)
#   KCM_ETCD         etcd binary (default: etcd on PATH, i.e. /usr/bin/etcd from etcd-server)
#   KCM_UP_TIMEOUT   seconds to wait for everything to be healthy (default 60)
#   KCM_API_ADDRESS  address kube-apiserver binds to and advertises, added to its certificate's SANs and used in every
#                    kubeconfig (default 127.0.0.1; node-up.sh passes the node IP inside its network namespace)
set -euo pipefail
export LC_ALL=C

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[up] %s\n' "$*" >&2; }
die() { printf '[up] ERROR: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 STATE_DIR"
mkdir -p "$1"
STATE=$(cd "$1" && pwd)
TIMEOUT="${KCM_UP_TIMEOUT:-60}"
API_ADDRESS="${KCM_API_ADDRESS:-127.0.0.1}"
[[ "$API_ADDRESS" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "KCM_API_ADDRESS must be an IPv4 address, got '$API_ADDRESS'"
t0=$(date +%s.%N)
since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}'; }

for c in openssl curl base64 ss; do command -v "$c" >/dev/null || die "$c not found (run provision.sh)"; done
ETCD="${KCM_ETCD:-$(command -v etcd || true)}"
[[ -n "$ETCD" && -x "$ETCD" ]] || die "etcd not found (install etcd-server, or run provision.sh, or set KCM_ETCD)"

# ---------------------------------------------------------------- refuse to clobber a running cluster
for n in etcd kube-apiserver kube-controller-manager fake-kubelet; do
  if [[ -s "$STATE/$n.pid" ]] && kill -0 "$(cat "$STATE/$n.pid")" 2>/dev/null; then
    die "$n (pid $(cat "$STATE/$n.pid")) from a previous up.sh is still running in $STATE; run down.sh $STATE first"
  fi
done

# ---------------------------------------------------------------- ports
busy=()
for port in 2379 2380 6443 10257; do
  if ss -Hltn "sport = :$port" | grep -q .; then busy+=("$port"); fi
done
if ((${#busy[@]})); then
  ss -Hltnp 2>/dev/null | grep -E ":($(IFS='|'; echo "${busy[*]}"))\b" >&2 || true
  hint=""
  [[ " ${busy[*]} " == *" 2379 "* ]] && hint=" (a system etcd? try: systemctl disable --now etcd)"
  die "port(s) ${busy[*]} already in use on this host$hint; a control plane needs 2379, 2380, 6443 and 10257 free"
fi

# ---------------------------------------------------------------- binaries
if [[ -z "${KCM_BIN_DIR:-}" ]]; then
  log "locating binaries via provision.sh"
  KCM_BIN_DIR=$("$HERE/provision.sh" | tail -n1) || die "provision.sh failed"
fi
for b in kube-apiserver kube-controller-manager; do
  [[ -x "$KCM_BIN_DIR/$b" ]] || die "$KCM_BIN_DIR/$b missing (run provision.sh or fix KCM_BIN_DIR)"
done

# ---------------------------------------------------------------- certs, tokens, kubeconfigs
umask 077
chmod 700 "$STATE"
PKI="$STATE/pki"
rm -rf "$PKI" "$STATE/etcd-data" "$STATE"/*.pid
mkdir -p "$PKI" "$STATE/apiserver-certs" "$STATE/kcm-certs"
log "generating certificates and tokens in $PKI"
ossl() { openssl "$@" >/dev/null 2>"$PKI/.openssl.err" || { cat "$PKI/.openssl.err" >&2; die "openssl $1 failed"; }; }
ossl genrsa -out "$PKI/ca.key" 2048
ossl req -x509 -new -key "$PKI/ca.key" -sha256 -days 3650 -subj "/CN=kube-cookiemonster-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
  -out "$PKI/ca.crt"
cat >"$PKI/apiserver.ext" <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1
EOF
[[ "$API_ADDRESS" == 127.0.0.1 ]] || sed -i "/^subjectAltName=/s/\$/,IP:$API_ADDRESS/" "$PKI/apiserver.ext"
ossl genrsa -out "$PKI/apiserver.key" 2048
ossl req -new -key "$PKI/apiserver.key" -subj "/CN=kube-apiserver" -out "$PKI/apiserver.csr"
ossl x509 -req -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -sha256 \
  -days 365 -extfile "$PKI/apiserver.ext" -out "$PKI/apiserver.crt"
ossl genrsa -out "$PKI/sa.key" 2048
ossl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
ossl genrsa -out "$PKI/front-proxy-ca.key" 2048
ossl req -x509 -new -key "$PKI/front-proxy-ca.key" -sha256 -days 3650 -subj "/CN=front-proxy-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
  -out "$PKI/front-proxy-ca.crt"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' \
  >"$PKI/front-proxy-client.ext"
ossl genrsa -out "$PKI/front-proxy-client.key" 2048
ossl req -new -key "$PKI/front-proxy-client.key" -subj "/CN=front-proxy-client" -out "$PKI/front-proxy-client.csr"
ossl x509 -req -in "$PKI/front-proxy-client.csr" -CA "$PKI/front-proxy-ca.crt" -CAkey "$PKI/front-proxy-ca.key" \
  -CAcreateserial -sha256 -days 365 -extfile "$PKI/front-proxy-client.ext" -out "$PKI/front-proxy-client.crt"
rm -f "$PKI"/*.csr "$PKI"/*.ext "$PKI"/*.srl "$PKI/.openssl.err"

ADMIN_TOKEN=$(openssl rand -hex 32)
KCM_TOKEN=$(openssl rand -hex 32)
printf '%s,admin,uid-admin,"system:masters"\n%s,kube-controller-manager,uid-kcm,"system:masters"\n' \
  "$ADMIN_TOKEN" "$KCM_TOKEN" >"$PKI/tokens.csv"
printf '%s' "$ADMIN_TOKEN" >"$STATE/admin.token"
printf 'Authorization: Bearer %s\n' "$ADMIN_TOKEN" >"$PKI/admin.header"   # for curl -H @file (keeps it out of ps)

SERVER="https://$API_ADDRESS:6443"
CA_DATA=$(base64 -w0 <"$PKI/ca.crt")
kubeconfig() { # $1 file, $2 user, $3 token, $4 cluster TLS line
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kube-cookiemonster
  cluster:
    server: $SERVER
    $4
users:
- name: $2
  user:
    token: $3
contexts:
- name: kube-cookiemonster
  context:
    cluster: kube-cookiemonster
    user: $2
    namespace: default
current-context: kube-cookiemonster
preferences: {}
EOF
}
kubeconfig "$STATE/kubeconfig" admin "$ADMIN_TOKEN" "certificate-authority-data: $CA_DATA"
kubeconfig "$STATE/kubeconfig-insecure" admin "$ADMIN_TOKEN" "insecure-skip-tls-verify: true"
kubeconfig "$STATE/kubeconfig-kcm" kube-controller-manager "$KCM_TOKEN" "certificate-authority-data: $CA_DATA"
unset ADMIN_TOKEN KCM_TOKEN
cat >"$STATE/env" <<EOF
# written by test/cluster/up.sh; source it. No secrets here: the token is in KCM_TOKEN_FILE.
KCM_STATE_DIR=$STATE
KUBECONFIG=$STATE/kubeconfig
KCM_API_SERVER=$SERVER
KCM_CA_FILE=$PKI/ca.crt
KCM_TOKEN_FILE=$STATE/admin.token
KCM_BIN_DIR=$KCM_BIN_DIR
EOF

# ---------------------------------------------------------------- start processes
fail() {
  printf '[up] ERROR: %s\n' "$*" >&2
  for n in etcd kube-apiserver kube-controller-manager; do
    if [[ -f "$STATE/$n.log" ]]; then
      printf '[up] ---- last 25 lines of %s ----\n' "$STATE/$n.log" >&2
      tail -n 25 "$STATE/$n.log" >&2 || true
    fi
  done
  log "stopping what was started"
  "$HERE/down.sh" "$STATE" >&2 || true
  exit 1
}
trap 'fail "interrupted"' INT TERM
start() { # $1 name, rest: command. New session (own process group), pid file written by the process itself.
  local n=$1; shift
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$STATE/$n.pid" "$@" >"$STATE/$n.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do [[ -s "$STATE/$n.pid" ]] && break; sleep 0.02; done
  [[ -s "$STATE/$n.pid" ]] || fail "$n did not start"
}
alive() { kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
deadline=$(( $(date +%s) + TIMEOUT ))
wait_for() { # $1 name (process to watch), $2 description, rest: check command
  local n=$1 what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    alive "$n" || fail "$n exited before $what (see $STATE/$n.log)"
    (( $(date +%s) < deadline )) || fail "timed out after ${TIMEOUT}s waiting for $what"
    sleep 0.2
  done
}

log "starting etcd"
start etcd "$ETCD" --name kcm-etcd --data-dir "$STATE/etcd-data" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster kcm-etcd=http://127.0.0.1:2380 --initial-cluster-state new \
  --quota-backend-bytes=4294967296 --logger=zap
wait_for etcd "etcd /health" bash -c 'curl -fsS --max-time 2 http://127.0.0.1:2379/health | grep -q "\"health\":\"true\""'
log "etcd healthy ($(since))"

log "starting kube-apiserver"
start kube-apiserver "$KCM_BIN_DIR/kube-apiserver" \
  --bind-address="$API_ADDRESS" --advertise-address="$API_ADDRESS" --secure-port=6443 --insecure-port=0 \
  --etcd-servers=http://127.0.0.1:2379 \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" --token-auth-file="$PKI/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc --api-audiences=https://kubernetes.default.svc \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 --endpoint-reconciler-type=none \
  --kubelet-preferred-address-types=InternalIP,Hostname \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --allow-privileged=true --cert-dir="$STATE/apiserver-certs" --v=1
api() { curl -fsS --max-time 3 --cacert "$PKI/ca.crt" -H @"$PKI/admin.header" "$SERVER$1"; }
wait_for kube-apiserver "kube-apiserver /readyz" api /readyz
log "kube-apiserver ready ($(since))"

log "starting kube-controller-manager"
start kube-controller-manager "$KCM_BIN_DIR/kube-controller-manager" \
  --kubeconfig="$STATE/kubeconfig-kcm" --authentication-kubeconfig="$STATE/kubeconfig-kcm" \
  --authorization-kubeconfig="$STATE/kubeconfig-kcm" \
  --bind-address=127.0.0.1 --secure-port=10257 --port=0 --cert-dir="$STATE/kcm-certs" \
  '--controllers=*' --use-service-account-credentials=false --leader-elect=false \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range=10.0.0.0/24 --cluster-name=kube-cookiemonster --v=1
wait_for kube-controller-manager "kube-controller-manager /healthz" \
  curl -fsSk --max-time 3 https://127.0.0.1:10257/healthz
log "kube-controller-manager healthy ($(since))"

# Pods can't be created in a namespace before its default ServiceAccount has a token secret
# (control-plane.md §6), so wait for that in `default` too.
wait_for kube-controller-manager "the default ServiceAccount token in namespace default" \
  bash -c "curl -fsS --max-time 3 --cacert '$PKI/ca.crt' -H @'$PKI/admin.header' \
    '$SERVER/api/v1/namespaces/default/serviceaccounts/default' | grep -q '\"secrets\"'"
trap - INT TERM
log "control plane up in $(since): $SERVER (pids: etcd $(cat "$STATE/etcd.pid"), kube-apiserver $(cat "$STATE/kube-apiserver.pid"), kube-controller-manager $(cat "$STATE/kube-controller-manager.pid"))"
echo "$STATE/kubeconfig"
