#!/usr/bin/env bash
# The image the release recipe builds in here: the Rust builder image of scripts/rust-builder-image.sh (same
# arguments) with the crates of Cargo.lock vendored into a layer on top. The build containers here cannot verify
# crates.io's TLS certificate (the machine's egress goes through a proxy whose CA only the host trusts), and a
# vendored build needs no network at all. Cargo reads /.cargo/config.toml from the parent directories of the
# project (/src), so the recipe itself is unchanged.
#
# Cached: the tag carries a hash of the Rust builder image, the lockfile and this script.
#
#   scripts/release-builder-image.sh [amd64|arm64] [--std TRIPLE ...]     prints `<arch> <image>`
#
# scripts/release-build.sh uses `amd64`; bench/build.sh's Rust comparison also `amd64 --std
# aarch64-unknown-linux-musl` (cross) and `arm64` (emulated).
set -euo pipefail
cd "$(dirname "$0")/.."

SB_NAME=release-builder-image
. scripts/lib.sh

line=$(scripts/rust-builder-image.sh "$@") || die "scripts/rust-builder-image.sh $* failed"
ARCH=${line%% *} RUST_IMAGE=${line#* }
[ -n "$RUST_IMAGE" ] && [ "$RUST_IMAGE" != "$line" ] || die "scripts/rust-builder-image.sh printed '$line'"

TAG=static-build-test/release-builder:$ARCH-$(printf '%s\n' "$RUST_IMAGE" "$(sha256sum <Cargo.lock)" "$(sha256sum <"$0")" | sha256sum | cut -c1-12)
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "$ARCH $TAG"
  exit 0
fi
log "vendoring the crates of Cargo.lock into $TAG"
dir=target/release-vendor-$ARCH-$$
name=sb-release-builder-$$
trap 'rm -rf "$dir"; docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
mkdir -p "$dir"
cargo vendor --locked -q "$dir/cargo-vendor" >/dev/null || die "cargo vendor failed"
cat >"$dir/config.toml" <<'TOML'
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "/opt/cargo-vendor"
TOML
tar -C "$dir" -cf - cargo-vendor config.toml | docker run -i --name "$name" "$RUST_IMAGE" sh -euc '
  mkdir -p /opt /.cargo
  tar -C /opt -xf - cargo-vendor config.toml
  mv /opt/config.toml /.cargo/config.toml
' >&2 || die "preparing $TAG failed"
docker commit "$name" "$TAG" >/dev/null || die "docker commit failed"
echo "$ARCH $TAG"
