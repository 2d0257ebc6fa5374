#!/usr/bin/env bash
# The main job on a fresh machine: build the bundled Go + cgo + zlib example statically and print its report.
# Starts a Docker engine and makes a builder image from Debian's packages first (these machines reach no
# container registry; elsewhere `static-build build examples/go-cgo-zlib` uses the default Alpine images).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/docker.sh >&2
image=$(scripts/builder-images.sh amd64 | cut -d' ' -f2)
cargo build --release -q -p static-build
exec target/release/static-build build examples/go-cgo-zlib --target amd64 \
  --image "amd64=$image" --package-manager none "$@"
