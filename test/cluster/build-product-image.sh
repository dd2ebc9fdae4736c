#!/usr/bin/env bash
# The product's own image, built offline with umoci for the real node (deploy/Dockerfile stays the documented way
# for users; this makes an equivalent image without Docker or a registry).
#
# Usage: test/cluster/build-product-image.sh TARBALL OUT_DIR
#   TARBALL  the packed package (npm pack)
#   Writes OUT_DIR/kube-cookiemonster.tar, an OCI layout tagged with the package version. Import it as the manifests
#   name it (kube-cookiemonster:<version>, which containerd reads as docker.io/library/kube-cookiemonster:<version>):
#     ctr -n k8s.io images import --base-name docker.io/library/kube-cookiemonster OUT_DIR/kube-cookiemonster.tar
#   The last line of stdout is the image reference.
#
# The rootfs: this machine's Node 20 (/usr/bin/node, nodesource's build) plus the shared libraries `ldd` lists for it,
# the package installed globally with `npm install --global --omit=dev` (cookiemonster on PATH, like the Dockerfile),
# nsenter from util-linux with its libraries (the nodeexec worker), busybox-static for sh, sleep and env, and a
# passwd with the image user node (uid/gid 1000, as the manifests' runAsUser expects).
set -euo pipefail
die() { printf '[product-image] ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf '[product-image] %s\n' "$*" >&2; }
[[ $# -eq 2 ]] || die "usage: $0 TARBALL OUT_DIR"
[[ -f "$1" ]] || die "tarball $1 not found"
for c in umoci node npm nsenter ldd tar; do command -v "$c" >/dev/null || die "$c not found (see .ci/programs)"; done
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] || die "$BUSYBOX missing (apt-get install busybox-static)"
TARBALL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
VERSION=$(tar -xOzf "$TARBALL" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).version))')
[[ -n "$VERSION" ]] || die "no version in $TARBALL's package.json"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kcm-product-image.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
t0=$(date +%s)

# copy_with_libs BINARY DEST_PATH: the binary and every library ldd resolves for it, at the same paths.
copy_with_libs() {
  local bin=$1 dest=$2 lib
  install -D -m 0755 "$(readlink -f "$bin")" "$R$dest"
  while read -r lib; do
    [[ -n $lib && -e $lib ]] || continue
    [[ -e "$R$lib" ]] || install -D -m 0755 "$(readlink -f "$lib")" "$R$lib"
  done < <(ldd "$bin" | awk '/=> \// {print $3} /^[[:space:]]*\/.*ld-linux/ {print $1}')
}

layout="$WORK/oci" bundle="$WORK/bundle"
umoci init --layout "$layout"
umoci new --image "$layout:$VERSION"
umoci unpack --image "$layout:$VERSION" "$bundle" >/dev/null
R="$bundle/rootfs"
mkdir -p "$R"/{bin,usr/bin,usr/local/bin,etc,tmp,proc,sys,dev,home/node}
chmod 1777 "$R/tmp"
copy_with_libs "$(command -v node)" /usr/local/bin/node
copy_with_libs "$(command -v nsenter)" /usr/bin/nsenter
install -m 0755 "$BUSYBOX" "$R/bin/busybox"
for a in sh sleep env cat ls ps uname id true false; do ln -s busybox "$R/bin/$a"; done
ln -s ../../bin/busybox "$R/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$R/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$R/etc/group"
chown 1000:1000 "$R/home/node"
log "npm install --global $(basename "$TARBALL") into the rootfs"
npm install --global --prefix "$R/usr/local" --omit=dev --no-audit --no-fund --prefer-offline "$TARBALL" >"$WORK/npm.log" 2>&1 \
  || { tail -n 20 "$WORK/npm.log" >&2; die "npm install of $TARBALL into the rootfs failed"; }
rm -rf "$R/usr/local/lib/node_modules/npm" "$R/usr/local/etc" "$R/root"
[[ -e "$R/usr/local/bin/cookiemonster" ]] || die "the install created no usr/local/bin/cookiemonster"
got=$(chroot "$R" /usr/local/bin/node /usr/local/bin/cookiemonster --version) || die "cookiemonster --version fails inside the rootfs"
[[ "$got" == "$VERSION" ]] || die "cookiemonster --version in the rootfs printed '$got', want $VERSION"
umoci repack --image "$layout:$VERSION" "$bundle"
umoci config --image "$layout:$VERSION" --config.entrypoint cookiemonster --config.cmd --help \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.user 1000:1000 --config.workingdir /home/node
umoci gc --layout "$layout"
(cd "$layout" && tar -cf "$OUT/kube-cookiemonster.tar.tmp" .)
mv "$OUT/kube-cookiemonster.tar.tmp" "$OUT/kube-cookiemonster.tar"
log "$OUT/kube-cookiemonster.tar: kube-cookiemonster:$VERSION, $(du -m "$OUT/kube-cookiemonster.tar" | cut -f1) MiB, $(( $(date +%s) - t0 ))s"
echo "kube-cookiemonster:$VERSION"
