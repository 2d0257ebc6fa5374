#!/usr/bin/env bash
# Builds the builder images the engine tests use, from Debian's packages (there is no container registry on
# these machines): a debootstrap'ed bookworm with gcc, Go, make, pkg-config and zlib, imported as a
# single-layer image labelled with its platform. Cached: an image whose tag carries the recipe's hash is not
# built again.
#
#   scripts/builder-images.sh [amd64|386|arm64|armv7 ...]     (default: amd64 386 arm64)
#
# Prints one line per image: `<arch> <image>`. Foreign architectures need QEMU (scripts/qemu.sh). Several
# runs at once are safe: each architecture is built by one of them (a lock in the work directory). The tests
# use amd64, 386 and arm64 (arm64 for the one emulated build); armv7 is for bench/build.sh's emulated builds.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=gcc,libc6-dev,golang-go,make,pkg-config,zlib1g-dev,ca-certificates
SUITE=bookworm
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
WORK=${STATIC_BUILD_IMAGE_WORK:-$PWD/target/builder-images}
HASH=$(printf '%s\n' "$SUITE" "$PACKAGES" "$(sha256sum <"$0")" | sha256sum | cut -c1-12)

SB_NAME=builder-images
. scripts/lib.sh

command -v debootstrap >/dev/null || apt_install debootstrap
docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker.sh"

# Docker's architecture and variant of each builder, Debian's architecture, QEMU's handler.
docker_arch() { case $1 in armv7) echo arm ;; amd64 | 386 | arm64) echo "$1" ;; *) die "unsupported builder architecture $1" ;; esac; }
docker_variant() { case $1 in armv7) echo v7 ;; *) echo "" ;; esac; }
debian_arch() { case $1 in 386) echo i386 ;; armv7) echo armhf ;; *) echo "$1" ;; esac; }
qemu_handler() { case $1 in armv7) echo qemu-arm ;; *) echo qemu-aarch64 ;; esac; }

# docker import labels everything with the host's platform; a hand-made `docker load` archive carries the
# right architecture.
load_rootfs() {
  local rootfs=$1 arch=$2 tag=$3 variant=${4:-} dir
  dir=$(mktemp -d "$WORK/load.XXXX")
  local variant_json=""
  [ -z "$variant" ] || variant_json="\"variant\":\"$variant\","
  tar -C "$rootfs" --numeric-owner -cf "$dir/layer.tar" .
  local diff_id
  diff_id=sha256:$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  cat >"$dir/config.json" <<JSON
{"architecture":"$arch",$variant_json"os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
  local config_id
  config_id=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$config_id.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$config_id" "$tag" >"$dir/manifest.json"
  tar -C "$dir" -cf - manifest.json "$config_id.json" layer.tar | docker load -q >/dev/null
  rm -rf "$dir"
}

build() {
  local arch=$1 tag=static-build-test/builder:$SUITE-$1-$HASH
  if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "$arch $tag"
    return
  fi
  # Scripts that run at once may ask for the same image: one builds it, the others wait and find it built.
  mkdir -p "$WORK"
  exec {lock}>"$WORK/lock-$arch"
  flock "$lock"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    exec {lock}>&-
    echo "$arch $tag"
    return
  fi
  local darch rootfs start
  darch=$(debian_arch "$arch")
  rootfs=$WORK/rootfs-$arch
  start=$(date +%s)
  rm -rf "$rootfs"
  mkdir -p "$WORK"
  if [ "$arch" = amd64 ] || [ "$arch" = 386 ]; then
    log "$arch: debootstrap (about 2 minutes)"
    debootstrap --variant=minbase --arch="$darch" --include="$PACKAGES" "$SUITE" "$rootfs" "$MIRROR" \
      >"$WORK/debootstrap-$arch.log" 2>&1 || { tail -n 20 "$WORK/debootstrap-$arch.log" >&2; die "debootstrap $arch failed"; }
  else
    [ -e "/proc/sys/fs/binfmt_misc/$(qemu_handler "$arch")" ] || die "$arch needs QEMU user emulation: run scripts/qemu.sh"
    log "$arch: debootstrap first stage"
    debootstrap --foreign --variant=minbase --arch="$darch" --include="$PACKAGES" "$SUITE" "$rootfs" "$MIRROR" \
      >"$WORK/debootstrap-$arch.log" 2>&1 || { tail -n 20 "$WORK/debootstrap-$arch.log" >&2; die "debootstrap $arch (first stage) failed"; }
    log "$arch: second stage under QEMU (about 3 minutes)"
    local stage=static-build-test/stage:$arch-$HASH
    load_rootfs "$rootfs" "$(docker_arch "$arch")" "$stage" "$(docker_variant "$arch")"
    local platform=linux/$(docker_arch "$arch")
    [ -n "$(docker_variant "$arch")" ] && platform+=/$(docker_variant "$arch")
    docker rm -f sb-stage-$arch >/dev/null 2>&1 || true
    docker run --name sb-stage-$arch --platform "$platform" "$stage" /debootstrap/debootstrap --second-stage \
      >>"$WORK/debootstrap-$arch.log" 2>&1 || { tail -n 20 "$WORK/debootstrap-$arch.log" >&2; die "second stage $arch failed"; }
    rm -rf "$rootfs" && mkdir -p "$rootfs"
    docker export sb-stage-$arch | tar -C "$rootfs" -xf -
    docker rm -f sb-stage-$arch >/dev/null
    docker rmi "$stage" >/dev/null
  fi
  # Trim what a builder does not need.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale
  load_rootfs "$rootfs" "$(docker_arch "$arch")" "$tag" "$(docker_variant "$arch")"
  rm -rf "$rootfs"
  log "$arch: $tag built in $(( $(date +%s) - start )) s"
  exec {lock}>&-
  echo "$arch $tag"
}

ARCHES=("$@")
[ ${#ARCHES[@]} -gt 0 ] || ARCHES=(amd64 386 arm64)
for a in "${ARCHES[@]}"; do build "$a"; done
