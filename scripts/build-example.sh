#!/usr/bin/env bash
# The main job on a fresh machine: build the bundled Go + cgo + zlib example statically and print its report.
#
# Starts a Docker engine (scripts/docker.sh) and builds the CLI. Then it builds as a user would, with the
# defaults: the pinned Alpine image for amd64, pulled from the registry. Only when that image cannot be pulled
# (a machine that reaches no container registry, as our test machines) does it make a builder image from the
# distribution's packages (scripts/builder-images.sh) and build with that; it says which it did.
# Arguments are passed on to `static-build build`.
set -euo pipefail
cd "$(dirname "$0")/.."
SB_NAME=build-example
. scripts/lib.sh

scripts/docker.sh >&2
cargo build --release -q -p static-build
sb=target/release/static-build
example=examples/go-cgo-zlib

# The image the plan uses by default (the pinned Alpine for amd64).
default_image=$("$sb" plan --format json --target amd64 "$example" \
  | sed -n 's/.*"image": *"\([^"]*\)".*/\1/p' | sed -n 1p)
[ -n "$default_image" ] || die "cannot read the default image from \`static-build plan\`"

if why=$(timeout 300 docker pull -q --platform linux/amd64 "$default_image" 2>&1); then
  log "using the default image $default_image (pulled from its registry)"
  exec "$sb" build "$example" --target amd64 "$@"
fi
log "the default image $default_image cannot be pulled ($(printf '%s' "$why" | tr '\n' ' ' | cut -c1-200)),"
log "so this machine builds a local builder image from Debian's packages and uses that instead"
image=$(scripts/builder-images.sh amd64 | cut -d' ' -f2)
log "using the local builder image $image (package manager: none, its packages are installed already)"
exec "$sb" build "$example" --target amd64 --image "amd64=$image" --package-manager none "$@"
