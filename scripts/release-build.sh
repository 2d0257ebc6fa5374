#!/usr/bin/env bash
# The release recipe (release/static-build.toml) run here: static-build builds its own release binary with
# itself, for amd64, in the local Rust builder image (scripts/rust-builder-image.sh) instead of the pinned
# rust:*-alpine image, since these machines reach no container registry. The command-line flags override the
# recipe's target, image and package manager; nothing else differs from the release workflow
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
RUST_IMAGE=$(scripts/rust-builder-image.sh | cut -d' ' -f2)
[ -n "$RUST_IMAGE" ] || die "scripts/rust-builder-image.sh printed no image"

# The crates of Cargo.lock, vendored into a layer on top of the Rust builder image: the build containers here
# cannot verify crates.io's TLS certificate (the machine's egress goes through a proxy whose CA only the host
# trusts), and a vendored build needs no network at all. Cargo reads /.cargo/config.toml from the parent
# directories of the project (/src), so the recipe itself is unchanged. Cached by the lockfile's hash.
vendor_image() {
  local tag name
  tag=static-build-test/release-builder:$(printf '%s\n' "$RUST_IMAGE" "$(sha256sum <Cargo.lock)" "$(sha256sum <"$SELF")" | sha256sum | cut -c1-12)
  if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "$tag"
    return
  fi
  log "vendoring the crates of Cargo.lock into $tag"
  local dir=target/release-vendor
  rm -rf "$dir"
  mkdir -p "$dir"
  cargo vendor --locked -q "$dir/cargo-vendor" >/dev/null || die "cargo vendor failed"
  cat >"$dir/config.toml" <<'TOML'
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "/opt/cargo-vendor"
TOML
  name=sb-release-builder-$$
  tar -C "$dir" -cf - cargo-vendor config.toml | docker run -i --name "$name" "$RUST_IMAGE" sh -euc '
    mkdir -p /opt /.cargo
    tar -C /opt -xf - cargo-vendor config.toml
    mv /opt/config.toml /.cargo/config.toml
  ' >&2 || { docker rm -f "$name" >/dev/null 2>&1; die "preparing $tag failed"; }
  docker commit "$name" "$tag" >/dev/null || { docker rm -f "$name" >/dev/null 2>&1; die "docker commit failed"; }
  docker rm -f "$name" >/dev/null
  rm -rf "$dir"
  echo "$tag"
}
IMAGE=$(vendor_image)

source_hash() {
  {
    printf '%s\n' "$IMAGE"
    find Cargo.lock Cargo.toml core action "$RECIPE" "$SELF" -type f \
      \( -path 'core/src/*' -o -path 'action/src/*' -o -name Cargo.toml -o -name Cargo.lock \
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

log "building static-build (host)"
cargo build -q --locked -p static-build || die "cargo build -p static-build failed"
SB=target/debug/static-build

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
