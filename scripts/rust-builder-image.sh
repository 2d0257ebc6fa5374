#!/usr/bin/env bash
# Builds a local Rust builder image for release builds (scripts/release-builder-image.sh): the Debian builder
# image of scripts/builder-images.sh plus a rustup toolchain of the image's architecture (only what a build
# needs: rustc, cargo, their shared libraries and the standard libraries of the toolchain's host and of its musl
# target; no docs, no sources) and musl-tools for crates that compile C. These machines reach no container
# registry, so this stands in for the pinned `rust:*-alpine` image of release/static-build.toml. Its toolchain
# is glibc-hosted, so the recipe's `rust.musl = true` makes it build for <arch>-unknown-linux-musl.
#
# amd64 uses the host's toolchain. arm64 uses rustup's aarch64-unknown-linux-gnu toolchain of the same version
# (installed with --force-non-host when missing) and runs under QEMU: it is the emulated side of
# bench/build.sh's Rust comparison. `--std TRIPLE` adds another target's standard library (from rustup), for
# cross builds: `amd64 --std aarch64-unknown-linux-musl` cross-compiles for arm64.
#
# Cached: the tag carries a hash of this script, the base image, the toolchain's version and the standard
# libraries; an existing image is not built again.
#
#   scripts/rust-builder-image.sh [amd64|arm64] [--std TRIPLE ...]     prints `<arch> <image>`
set -euo pipefail
cd "$(dirname "$0")/.."

SB_NAME=rust-builder-image
. scripts/lib.sh

ARCH=amd64
case ${1:-} in amd64 | arm64) ARCH=$1; shift ;; esac
STD=()
while [ $# -gt 0 ]; do
  case $1 in
    --std) [ $# -ge 2 ] || die "--std needs a target triple"; STD+=("$2"); shift 2 ;;
    *) die "unknown argument '$1' (usage: scripts/rust-builder-image.sh [amd64|arm64] [--std TRIPLE ...])" ;;
  esac
done

command -v rustc >/dev/null && command -v cargo >/dev/null \
  || die "no Rust toolchain: install rustup (https://rustup.rs) and run 'rustup default stable'"
docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker.sh"

HOST=$(rustc -vV | sed -n 's/^host: //p')
[ "$HOST" = x86_64-unknown-linux-gnu ] || die "the host toolchain is $HOST; this script needs x86_64-unknown-linux-gnu"
VERSION=$(rustc -vV | sed -n 's/^release: //p')
case $ARCH in
  amd64) TRIPLE=x86_64-unknown-linux-gnu MUSL=x86_64-unknown-linux-musl TOOLCHAIN= ;;
  arm64) TRIPLE=aarch64-unknown-linux-gnu MUSL=aarch64-unknown-linux-musl TOOLCHAIN=$VERSION-$TRIPLE ;;
esac
command -v rustup >/dev/null || [ -z "$TOOLCHAIN" ] || die "an $ARCH toolchain needs rustup (https://rustup.rs)"
if [ -n "$TOOLCHAIN" ]; then
  SYSROOT=${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$TOOLCHAIN
  if [ ! -x "$SYSROOT/bin/rustc" ]; then
    log "installing the $TOOLCHAIN toolchain (rustup, minimal profile)"
    rustup toolchain install "$TOOLCHAIN" --force-non-host --profile minimal >&2 \
      || die "rustup toolchain install $TOOLCHAIN failed"
  fi
  TC=(--toolchain "$TOOLCHAIN")
  IDENTITY="$TOOLCHAIN $(cat "$SYSROOT/lib/rustlib/multirust-channel-manifest.toml" 2>/dev/null | sha256sum)"
else
  SYSROOT=$(rustc --print sysroot)
  TC=()
  IDENTITY="$(rustc -vV) $(cargo -V)"
fi
for t in "$MUSL" "${STD[@]}"; do
  if [ ! -d "$SYSROOT/lib/rustlib/$t/lib" ]; then
    log "adding the $t standard library"
    rustup target add "${TC[@]}" "$t" >&2 || die "rustup target add $t failed"
  fi
done

BASE=$(scripts/builder-images.sh "$ARCH" | cut -d' ' -f2)
HASH=$(printf '%s\n' "$BASE" "$IDENTITY" "${STD[@]}" "$(sha256sum <scripts/rust-builder-image.sh)" | sha256sum | cut -c1-12)
TAG=static-build-test/rust-builder:$VERSION-$ARCH-$HASH
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "$ARCH $TAG"
  exit 0
fi

start=$(date +%s)
log "building $TAG from $BASE and rustc $VERSION ($TRIPLE)"
# What rustc and cargo need at build time: the binaries, librustc_driver and LLVM, the toolchain host's rustlib
# (its std for build scripts and proc-macros, and rust-lld, which the gnu target links with), the musl target
# and any --std target.
files=(bin/rustc bin/cargo lib/rustlib/"$TRIPLE" lib/rustlib/"$MUSL")
for t in "${STD[@]}"; do files+=(lib/rustlib/"$t"); done
for f in "$SYSROOT"/lib/*.so*; do files+=("lib/${f##*/}"); done
name=sb-rust-builder-$$
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
tar -C "$SYSROOT" -cf - "${files[@]}" | docker run -i --name "$name" "$BASE" sh -euc '
  mkdir -p /usr/local/rust
  tar -C /usr/local/rust -xf -
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends musl-tools >/dev/null
  rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
  export PATH=/usr/local/rust/bin:$PATH
  rustc -vV
  # The image must make a static musl binary that runs.
  printf "fn main() { println!(\"hello from musl\"); }\n" >/tmp/t.rs
  rustc --edition 2021 --target '"$MUSL"' -C target-feature=+crt-static -o /tmp/t /tmp/t.rs
  /tmp/t
  rm -f /tmp/t /tmp/t.rs
' >&2 || die "preparing the image failed (output above)"
docker commit \
  --change 'ENV PATH=/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL org.static-build.rustc=$VERSION" \
  --change 'CMD ["/bin/sh"]' \
  "$name" "$TAG" >/dev/null || die "docker commit failed"
log "$TAG built in $(( $(date +%s) - start )) s"
echo "$ARCH $TAG"
