#!/usr/bin/env bash
# Builds a local Rust builder image for release builds (scripts/release-build.sh): the Debian builder image of
# scripts/builder-images.sh plus the host's rustup toolchain (only what a build needs: rustc, cargo, their
# shared libraries and the standard libraries of the host and of x86_64-unknown-linux-musl; no docs, no
# sources) and musl-tools for crates that compile C. These machines reach no container registry, so this stands
# in for the pinned `rust:*-alpine` image of release/static-build.toml. Its toolchain is glibc-hosted, so the
# recipe's `rust.musl = true` makes it build for x86_64-unknown-linux-musl.
#
# Cached: the tag carries a hash of this script, the base image and the toolchain's version; an existing image
# is not built again.
#
#   scripts/rust-builder-image.sh         prints `amd64 <image>`
set -euo pipefail
cd "$(dirname "$0")/.."

SB_NAME=rust-builder-image
. scripts/lib.sh

command -v rustc >/dev/null && command -v cargo >/dev/null \
  || die "no Rust toolchain: install rustup (https://rustup.rs) and run 'rustup default stable'"
docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker.sh"

HOST=$(rustc -vV | sed -n 's/^host: //p')
[ "$HOST" = x86_64-unknown-linux-gnu ] || die "the host toolchain is $HOST; this image needs x86_64-unknown-linux-gnu"
SYSROOT=$(rustc --print sysroot)
MUSL=x86_64-unknown-linux-musl
if [ ! -d "$SYSROOT/lib/rustlib/$MUSL/lib" ]; then
  command -v rustup >/dev/null || die "the $MUSL standard library is missing and there is no rustup to add it"
  log "adding the $MUSL target"
  rustup target add "$MUSL" >&2 || die "rustup target add $MUSL failed"
fi
VERSION=$(rustc -vV | sed -n 's/^release: //p')

BASE=$(scripts/builder-images.sh amd64 | cut -d' ' -f2)
HASH=$(printf '%s\n' "$BASE" "$(rustc -vV)" "$(cargo -V)" "$(sha256sum <scripts/rust-builder-image.sh)" | sha256sum | cut -c1-12)
TAG=static-build-test/rust-builder:$VERSION-$HASH
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "amd64 $TAG"
  exit 0
fi

start=$(date +%s)
log "building $TAG from $BASE and rustc $VERSION"
# What rustc and cargo need at build time: the binaries, librustc_driver and LLVM, the host's rustlib (its
# std for build scripts and proc-macros, and rust-lld, which the gnu target links with) and the musl target.
files=(bin/rustc bin/cargo lib/rustlib/"$HOST" lib/rustlib/"$MUSL")
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
  rustc --edition 2021 --target x86_64-unknown-linux-musl -C target-feature=+crt-static -o /tmp/t /tmp/t.rs
  /tmp/t
  rm -f /tmp/t /tmp/t.rs
' >&2 || die "preparing the image failed (output above)"
docker commit \
  --change 'ENV PATH=/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL org.static-build.rustc=$VERSION" \
  --change 'CMD ["/bin/sh"]' \
  "$name" "$TAG" >/dev/null || die "docker commit failed"
log "$TAG built in $(( $(date +%s) - start )) s"
echo "amd64 $TAG"
