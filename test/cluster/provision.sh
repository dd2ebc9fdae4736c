#!/usr/bin/env bash
# Build (once) and cache kube-apiserver + kube-controller-manager v1.20.2 from Debian's
# `kubernetes` source package. Recipe: /work/shared/docs/control-plane.md §1-3.
#
# Usage: test/cluster/provision.sh [control-plane|node]
#   Progress goes to stderr. The LAST LINE OF STDOUT is the bin dir holding
#   kube-apiserver and kube-controller-manager (so BIN=$(provision.sh) works).
#   `node` builds kubelet + kube-scheduler instead (and the pause binary from the same tree), installs the node's
#   Debian packages (containerd, runc, CNI plugins, umoci, ...) and caches under a key of the same scheme
#   (k8s-node-<debian version>-go<x.y>-<hash>); recipe: /work/shared/docs/real-node.md §1.
#
# Env:
#   KCM_CACHE_DIR        cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kube-cookiemonster)
#   KCM_BUILD_DIR        where to unpack/build (default: mktemp -d under ${TMPDIR:-/tmp}); needs ~2 GiB;
#                        the build tree is always deleted afterwards
#   KCM_DEBIAN_MIRROR    default http://deb.debian.org/debian
#   KCM_SKIP_APT=1       never call apt-get install (fail if a package is missing)
#   KCM_BUILD_LOG        file for the build's own output (default: <cache root>/build-<key>.log)
#   KCM_VERBOSE=1        also stream the make output to stderr
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

K8S_DEB_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
K8S_ORIG_TARBALL="kubernetes_1.20.5+really1.20.2.orig.tar.gz"
K8S_ORIG_SHA256="b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc"
K8S_ORIG_TOPDIR="kubernetes-1.20.2"
K8S_EXPECT_VERSION="v1.20.2"
BUILD_WHAT="cmd/kube-apiserver cmd/kube-controller-manager"
BINARIES=(kube-apiserver kube-controller-manager)
# Bump when the recipe changes in a way that affects the binaries.
RECIPE_REV=1
TARGET="${1:-control-plane}"
KEY_PREFIX="k8s"
NODE_PACKAGES=()
case "$TARGET" in
  control-plane) ;;
  node)
    BUILD_WHAT="cmd/kubelet cmd/kube-scheduler"
    BINARIES=(kubelet kube-scheduler)
    KEY_PREFIX="k8s-node"
    # What test/cluster/node-up.sh and build-images.sh spawn (see .ci/programs); gcc + libc6-dev build pause.
    NODE_PACKAGES=(containerd runc containernetworking-plugins umoci iptables busybox-static gcc libc6-dev) ;;
  *) printf '[provision] ERROR: unknown target %q; usage: provision.sh [control-plane|node]\n' "$1" >&2; exit 2 ;;
esac

PACKAGES=(golang-go rsync jq etcd-server openssl curl ca-certificates
  golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev "${NODE_PACKAGES[@]}")
GOCODE=/usr/share/gocode/src
SWAPS=("github.com/modern-go/reflect2" "github.com/json-iterator/go")

log() { printf '[provision] %s\n' "$*" >&2; }
die() { printf '[provision] ERROR: %s\n' "$*" >&2; exit 1; }
t0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t0 ))s"; }

# ---------------------------------------------------------------- packages
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  [[ "${KCM_SKIP_APT:-0}" == 1 ]] && die "missing Debian packages (KCM_SKIP_APT=1): ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo -n); else
    die "missing Debian packages and not root (no sudo): apt-get install ${missing[*]}"; fi
  log "installing Debian packages: ${missing[*]}"
  aptlog=$(mktemp "${TMPDIR:-/tmp}/kcm-apt.XXXXXX")
  if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    >"$aptlog" 2>&1 </dev/null; then
    tail -n 30 "$aptlog" >&2; rm -f "$aptlog"
    die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$aptlog"
  if [[ " ${missing[*]} " == *" etcd-server "* ]] && command -v systemctl >/dev/null \
    && systemctl is-active --quiet etcd 2>/dev/null; then
    log "WARNING: installing etcd-server started the system etcd.service on 127.0.0.1:2379, which up.sh needs;"
    log "         stop it with: systemctl disable --now etcd"
  fi
else
  log "Debian packages present"
fi

command -v go >/dev/null || die "go not found after installing golang-go"
GOVER_FULL=$(go env GOVERSION)                     # e.g. go1.19.8
GOVER=$(sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/' <<<"$GOVER_FULL")

# ---------------------------------------------------------------- cache key
swap_files() {  # $1 = import path; lists the files we copy in (sorted, relative to $GOCODE)
  local d="$GOCODE/$1"
  [[ -d "$d" ]] || die "$d not found (package not installed?)"
  (cd "$GOCODE" && find "$1" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' | LC_ALL=C sort)
}
swap_hash=$(
  {
    echo "recipe=$RECIPE_REV orig=$K8S_ORIG_SHA256 what=$BUILD_WHAT cgo=0"
    for s in "${SWAPS[@]}"; do
      while IFS= read -r f; do
        printf '%s %s\n' "$f" "$(sha256sum <"$GOCODE/$f" | cut -d' ' -f1)"
      done < <(swap_files "$s")
    done
  } | sha256sum | cut -c1-12
)
CACHE_ROOT="${KCM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-cookiemonster}"
KEY="${KEY_PREFIX}-${K8S_DEB_VERSION}-${GOVER}-${swap_hash}"
BIN_DIR="$CACHE_ROOT/$KEY"

cache_ok() {
  local b v
  for b in "${BINARIES[@]}"; do
    [[ -x "$1/$b" ]] || return 1
    v=$(timeout 20 "$1/$b" --version 2>/dev/null) || return 1
    [[ "$v" == *"$K8S_EXPECT_VERSION"* ]] || return 1
  done
  [[ "$TARGET" != node ]] || [[ -x "$1/pause" ]]
}

mkdir -p "$CACHE_ROOT"
if cache_ok "$BIN_DIR"; then
  log "cache hit: $BIN_DIR ($(elapsed))"
  echo "$BIN_DIR"
  exit 0
fi

# Serialise concurrent cold runs on the same cache.
exec 9>"$CACHE_ROOT/.lock"
log "taking build lock $CACHE_ROOT/.lock (waits if another provision.sh is building)"
flock 9
if cache_ok "$BIN_DIR"; then   # someone else built it while we waited
  log "cache hit after lock: $BIN_DIR ($(elapsed))"
  echo "$BIN_DIR"
  exit 0
fi
log "cache miss: building $KEY (takes 3-5 min on 2 cores, ~2 GiB disk, ~1.4 GiB RAM)"

# ---------------------------------------------------------------- build tree
if [[ -n "${KCM_BUILD_DIR:-}" ]]; then
  mkdir -p "$KCM_BUILD_DIR"
  WORK=$(mktemp -d "$KCM_BUILD_DIR/kcm-build.XXXXXX")
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/kcm-build.XXXXXX")
fi
cleanup() {
  # Go's module/build caches create read-only dirs; make them deletable first.
  if [[ -n "${WORK:-}" && -d "$WORK" ]]; then
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  [[ -n "${STAGE:-}" && -d "$STAGE" ]] && rm -rf "$STAGE"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
avail_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
((avail_kb > 2300000)) || log "WARNING: only $((avail_kb / 1024)) MiB free under $WORK; the build needs ~2 GiB"

# ---------------------------------------------------------------- source download (private apt config)
APTDIR="$WORK/apt"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$WORK/src"
. /etc/os-release
CODENAME="${VERSION_CODENAME:-bookworm}"
MIRROR="${KCM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECMIRROR="${KCM_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""; [[ -r $KEYRING ]] && signed="[signed-by=$KEYRING] "
cat >"$APTDIR/sources.list" <<EOF
deb-src ${signed}$MIRROR $CODENAME main
deb-src ${signed}$MIRROR $CODENAME-updates main
deb-src ${signed}$SECMIRROR $CODENAME-security main
EOF
APT_OPTS=(-o "Dir::Etc::SourceList=$APTDIR/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
  -o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache"
  -o "APT::Sandbox::User=root")
log "apt-get update (private deb-src list, system config untouched)"
apt-get "${APT_OPTS[@]}" update -qq >&2 || die "apt-get update with the private deb-src list failed"
log "downloading source package kubernetes=$K8S_DEB_VERSION (~34 MB)"
(cd "$WORK/src" && apt-get "${APT_OPTS[@]}" source --download-only -qq "kubernetes=$K8S_DEB_VERSION" >&2) \
  || die "apt-get source kubernetes=$K8S_DEB_VERSION failed (is that version still in $CODENAME / $CODENAME-security?)"
tarball="$WORK/src/$K8S_ORIG_TARBALL"
[[ -f "$tarball" ]] || die "orig tarball $K8S_ORIG_TARBALL not downloaded"
got=$(sha256sum "$tarball" | cut -d' ' -f1)
[[ "$got" == "$K8S_ORIG_SHA256" ]] || die "SHA256 mismatch for $K8S_ORIG_TARBALL: got $got, want $K8S_ORIG_SHA256"
log "orig tarball SHA256 verified ($(elapsed))"
tar -xzf "$tarball" -C "$WORK"
rm -rf "$WORK/src" "$APTDIR"
TREE="$WORK/$K8S_ORIG_TOPDIR"
[[ -d "$TREE/vendor" ]] || die "unexpected tarball layout: $TREE/vendor missing"

# ---------------------------------------------------------------- vendor swap
for s in "${SWAPS[@]}"; do
  v="$TREE/vendor/$s"
  [[ -d "$v" ]] || die "vendored $s not found at $v"
  find "$v" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  while IFS= read -r f; do cp "$GOCODE/$f" "$v/"; done < <(swap_files "$s")
  log "swapped vendor/$s ($(swap_files "$s" | wc -l) files from $GOCODE/$s)"
done

# ---------------------------------------------------------------- build
BUILD_LOG="${KCM_BUILD_LOG:-$CACHE_ROOT/build-$KEY.log}"
log "building $BUILD_WHAT with $GOVER_FULL (log: $BUILD_LOG)"
export HOME="${HOME:-$WORK}" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath"
b0=$(date +%s)
set +e
if [[ "${KCM_VERBOSE:-0}" == 1 ]]; then
  (cd "$TREE" && CGO_ENABLED=0 GOPROXY=off GOFLAGS= make WHAT="$BUILD_WHAT") 2>&1 | tee "$BUILD_LOG" >&2
  rc=${PIPESTATUS[0]}
else
  (
    cd "$TREE" && CGO_ENABLED=0 GOPROXY=off GOFLAGS= make WHAT="$BUILD_WHAT"
  ) >"$BUILD_LOG" 2>&1 &
  mk=$!
  while kill -0 "$mk" 2>/dev/null; do
    sleep 15
    kill -0 "$mk" 2>/dev/null && log "  ... still building ($(( $(date +%s) - b0 ))s): $(tail -n1 "$BUILD_LOG" | cut -c1-100)"
  done
  wait "$mk"; rc=$?
fi
set -e
if ((rc != 0)); then
  tail -n 40 "$BUILD_LOG" >&2 || true
  die "make failed (exit $rc); full log: $BUILD_LOG"
fi
log "build finished in $(( $(date +%s) - b0 ))s"

# ---------------------------------------------------------------- install into cache (atomically)
OUT="$TREE/_output/local/bin/linux/$(go env GOARCH)"
STAGE=$(mktemp -d "$CACHE_ROOT/.stage.XXXXXX")
for b in "${BINARIES[@]}"; do
  [[ -x "$OUT/$b" ]] || die "build did not produce $OUT/$b"
  cp "$OUT/$b" "$STAGE/$b"
done
if [[ "$TARGET" == node ]]; then
  # The sandbox image's /pause, from the same tree (build/pause/linux/pause.c), static so it runs in an empty rootfs.
  gcc -Os -Wall -Werror -static -DVERSION=v3.4.1 -o "$STAGE/pause" "$TREE/build/pause/linux/pause.c" \
    || die "gcc could not build the pause binary (gcc and libc6-dev installed?)"
fi
chmod 755 "$STAGE" "$STAGE"/*
cache_ok "$STAGE" || die "freshly built binaries do not answer --version with $K8S_EXPECT_VERSION"
rm -rf "$BIN_DIR"
mv "$STAGE" "$BIN_DIR"
STAGE=""
cleanup   # delete the ~2 GiB build tree now
log "cached in $BIN_DIR ($("$BIN_DIR/${BINARIES[0]}" --version)); total $(elapsed)"
echo "$BIN_DIR"
