#!/usr/bin/env bash
# Builds the checker page into web/dist/ (or $1): static files for any static host, relative URLs only.
#
#   web/build.sh [OUTDIR]
#
# Needs the Rust target wasm32-unknown-unknown and the wasm-bindgen CLI at exactly the version of the
# `wasm-bindgen` crate in Cargo.lock (scripts/web-setup.sh installs both; nothing here uses the network).
# wasm-opt (binaryen) shrinks the module by about 40% (23% gzipped). It is taken from $WASM_OPT, or from
# target/tools/binaryen (npm binaryen@132, installed there by scripts/web-setup.sh); without it the page
# still builds, larger. Debian's binaryen (108) cannot read current wasm-bindgen output.
set -euo pipefail

WEB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$WEB/.." && pwd)
OUT=${1:-$WEB/dist}
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}

SB_NAME=web/build.sh
. "$(dirname "$0")/../scripts/lib.sh"

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO/Cargo.lock")
[ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }') || true
[ "$have" = "$want" ] || die "wasm-bindgen CLI ${have:-not found}; the page needs exactly $want (Cargo.lock). Run scripts/web-setup.sh, or: cargo install wasm-bindgen-cli --version $want"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || die "the Rust target wasm32-unknown-unknown is missing: rustup target add wasm32-unknown-unknown"

echo "web: building the WebAssembly (profile web)" >&2
(cd "$REPO" && cargo build --locked --offline -p static-build-web --lib --target wasm32-unknown-unknown --profile web) \
  || (cd "$REPO" && cargo build --locked -p static-build-web --lib --target wasm32-unknown-unknown --profile web)

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/web-dist.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
wasm-bindgen --target no-modules --no-typescript --out-dir "$STAGE" \
  "$TARGET_DIR/wasm32-unknown-unknown/web/static_build_web.wasm"
if [ -z "${WASM_OPT:-}" ] && [ -x "$REPO/target/tools/binaryen/node_modules/.bin/wasm-opt" ]; then
  WASM_OPT=$REPO/target/tools/binaryen/node_modules/.bin/wasm-opt
fi
if [ -z "${WASM_OPT:-}" ]; then
  echo "web: no wasm-opt (scripts/web-setup.sh installs it): the page is built unoptimised, about 30% larger" >&2
else
  # Cached by the hash of its input: an unchanged module is not optimised again (it takes ~25 s).
  CACHE=$TARGET_DIR/web-opt-cache
  key=$(sha256sum "$STAGE/static_build_web_bg.wasm" | cut -c1-32)
  if [ ! -s "$CACHE/$key.wasm" ]; then
    echo "web: $WASM_OPT -Oz" >&2
    mkdir -p "$CACHE"
    "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-reference-types --enable-mutable-globals \
      "$STAGE/static_build_web_bg.wasm" -o "$CACHE/$key.tmp"
    mv "$CACHE/$key.tmp" "$CACHE/$key.wasm"
  else
    echo "web: wasm-opt output cached" >&2
  fi
  cp "$CACHE/$key.wasm" "$STAGE/static_build_web_bg.wasm"
fi
cp "$WEB"/static/* "$STAGE/"
mkdir -p "$OUT"
# Replace the folder's contents in one go (no stale files from an older build).
find "$OUT" -mindepth 1 -delete
cp -R "$STAGE"/. "$OUT"/

total=0; total_gz=0
for f in "$OUT"/*; do
  n=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + n)); total_gz=$((total_gz + gz))
  printf 'web: %-28s %9d bytes  %8d gzipped\n' "$(basename "$f")" "$n" "$gz" >&2
done
printf 'web: %-28s %9d bytes  %8d gzipped\n' "total" "$total" "$total_gz" >&2
echo "web: built $OUT" >&2
