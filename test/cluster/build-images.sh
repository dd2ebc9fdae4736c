#!/usr/bin/env bash
# The real node's images, built offline with umoci (no registry, no Docker): recipe real-node.md §2.
#
# Usage: test/cluster/build-images.sh OUT_DIR PAUSE_BINARY
#   OUT_DIR/pause.tar     localhost/pause:3.4.1   (the sandbox image; /pause, uid 65535)
#   OUT_DIR/busybox.tar   localhost/busybox:1.35  (busybox-static with every applet; sh, httpd, sleep, ...)
# Each tar is an OCI layout; `ctr -n k8s.io images import --base-name localhost/<name> <name>.tar` gives the tag.
# Pods must use `imagePullPolicy: Never` (or IfNotPresent with these non-latest tags).
set -euo pipefail
die() { printf '[build-images] ERROR: %s\n' "$*" >&2; exit 1; }
[[ $# -eq 2 ]] || die "usage: $0 OUT_DIR PAUSE_BINARY"
[[ -x "$2" ]] || die "pause binary $2 not found (bash test/cluster/provision.sh node builds it)"
command -v umoci >/dev/null || die "umoci not found (apt-get install umoci)"
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || die "$BUSYBOX is missing or not static (apt-get install busybox-static)"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
PAUSE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kcm-images.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# mk NAME TAG FILL_FUNCTION [umoci config flags...]
mk() {
  local name=$1 tag=$2 fill=$3; shift 3
  local layout="$WORK/oci-$name" bundle="$WORK/bundle-$name"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --image "$layout:$tag" "$bundle" >/dev/null
  "$fill" "$bundle/rootfs"
  umoci repack --image "$layout:$tag" "$bundle"
  umoci config --image "$layout:$tag" "$@"
  umoci gc --layout "$layout"
  (cd "$layout" && tar -cf "$OUT/$name.tar.tmp" .)
  mv "$OUT/$name.tar.tmp" "$OUT/$name.tar"
  rm -rf "$bundle" "$layout"
}
fill_pause() { install -m 0755 "$PAUSE" "$1/pause"; }
fill_busybox() {
  mkdir -p "$1"/{bin,tmp,etc,www,proc,sys,dev}
  chmod 1777 "$1/tmp"
  install -m 0755 "$BUSYBOX" "$1/bin/busybox"
  local a
  for a in $("$BUSYBOX" --list); do [[ $a == busybox ]] || ln -s busybox "$1/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$1/etc/group"
}
mk pause 3.4.1 fill_pause --config.entrypoint /pause --config.user 65535:65535
mk busybox 1.35 fill_busybox --config.cmd /bin/sh --config.env PATH=/bin
printf '[build-images] %s/pause.tar (localhost/pause:3.4.1), %s/busybox.tar (localhost/busybox:1.35)\n' "$OUT" "$OUT" >&2
