#!/usr/bin/env bash
# The release recipe (release/static-build.toml) run here: static-build builds its own release binary with
# itself, for amd64, in the local Rust builder image with the crates vendored (scripts/release-builder-image.sh)
# instead of the pinned rust:*-alpine image, since these machines reach no container registry. The command-line
# flags override the recipe's target, image and package manager; nothing else differs from the release workflow
# (.github/workflows/release.yml).
#
# Writes target/release-assets/static-build-linux-amd64, the build report static-build-report.json and
# SHA256SUMS. Cached: skipped when the asset exists and its recorded source hash (Cargo.lock, the Cargo.toml
# files, core/ and action/ sources, the recipe, this script and the image) matches.
#
#   scripts/release-build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SB_NAME=release-build
. scripts/lib.sh

RECIPE=release/static-build.toml
SELF=scripts/release-build.sh
OUT=target/release-assets
ASSET=static-build-linux-amd64
STAMP=$OUT/.$ASSET.source-hash

scripts/docker.sh >&2
IMAGE=$(scripts/release-builder-image.sh amd64 | cut -d' ' -f2)
[ -n "$IMAGE" ] || die "scripts/release-builder-image.sh printed no image"

source_hash() {
  {
    printf '%s\n' "$IMAGE"
    find Cargo.lock Cargo.toml .cargo core action "$RECIPE" "$SELF" -type f \
      \( -path 'core/src/*' -o -path 'action/src/*' -o -name Cargo.toml -o -name Cargo.lock -o -path .cargo/config.toml \
         -o -name build.rs -o -path "$RECIPE" -o -path "$SELF" \) -print0 \
      | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
}
HASH=$(source_hash)

if [ -f "$OUT/$ASSET" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ] \
  && (cd "$OUT" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
  log "$OUT/$ASSET is up to date (source hash ${HASH:0:12})"
  exit 0
fi

# The host's static-build, as the test command builds it (its integration tests need the binary).
log "building static-build (host)"
SB=$(test_build debug/static-build)

rm -f "$STAMP" "$OUT/SHA256SUMS"
start=$(date +%s)
log "static-build build --config $RECIPE (image $IMAGE)"
"$SB" build . --config "$RECIPE" --target amd64 --image "amd64=$IMAGE" --package-manager none \
  || die "the release build failed (exit $?)"
log "built in $(( $(date +%s) - start )) s"

# The same gate as the release workflow: the inspector must call the asset static and amd64.
"$SB" inspect --expect-arch amd64 --fail-on error "$OUT/$ASSET" >&2 \
  || die "static-build inspect rejects $OUT/$ASSET"
(cd "$OUT" && sha256sum "$ASSET" >SHA256SUMS)
echo "$HASH" >"$STAMP"
log "$OUT/$ASSET ($(stat -c %s "$OUT/$ASSET") bytes) and $OUT/SHA256SUMS written"
