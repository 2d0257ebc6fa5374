#!/usr/bin/env bash
# The action's first step: puts the static-build binary for this runner on PATH.
#
# Downloads RELEASE_URL/v<version>/static-build-linux-<arch> and checks its SHA-256: against the sums this
# action pins (dist/SHA256SUMS, when dist/VERSION is the version being downloaded and lists the asset),
# else against the release's own SHA256SUMS. A mismatch fails hard: it is never "fixed" by building instead.
# When the download itself fails (no such release, no network) or INPUT_BUILD_FROM_SOURCE is true, builds
# static-build from the action's own source with cargo. Both the downloaded binary and the cargo build are
# cached under ${RUNNER_TOOL_CACHE:-$HOME/.cache}/static-build.
#
# Inputs (environment): INPUT_VERSION, INPUT_RELEASE_URL, INPUT_BUILD_FROM_SOURCE; GITHUB_ACTION_PATH,
# RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_PATH.
# Outputs: path (the binary), version, source (download, cache or cargo).
set -euo pipefail

ACTION_PATH=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
DEFAULT_RELEASE_URL=https://github.com/static-build/static-build/releases/download

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# --- the platform -------------------------------------------------------------------------------------
os=${RUNNER_OS:-$(uname -s)}
case $os in
  Linux | linux) ;;
  *) fail "static-build runs on Linux runners only; this runner's OS is '$os'. Use a Linux runner (runs-on: ubuntu-latest)." ;;
esac
runner_arch=${RUNNER_ARCH:-}
if [ -z "$runner_arch" ]; then
  case $(uname -m) in
    x86_64) runner_arch=X64 ;;
    aarch64 | arm64) runner_arch=ARM64 ;;
    i?86) runner_arch=X86 ;;
    armv7* | armv8l) runner_arch=ARM ;;
    *) runner_arch=$(uname -m) ;;
  esac
fi
case $runner_arch in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  X86) arch=386 ;;
  ARM) arch=armv7 ;;
  *) fail "no static-build binary for the runner architecture '$runner_arch' (X64, ARM64, X86 and ARM are supported)." ;;
esac

# --- the version --------------------------------------------------------------------------------------
pinned_version=""
if [ -f "$ACTION_PATH/dist/VERSION" ]; then
  pinned_version=$(trim "$(head -n1 "$ACTION_PATH/dist/VERSION")")
  pinned_version=${pinned_version#v}
fi
version=$(trim "${INPUT_VERSION:-}")
version=${version#v}
if [ -z "$version" ]; then
  version=$pinned_version
fi
if [ -z "$version" ] && [ -f "$ACTION_PATH/Cargo.toml" ]; then
  version=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' "$ACTION_PATH/Cargo.toml" | head -n1)
fi
[ -n "$version" ] || fail "cannot tell which static-build version to use: set the 'version' input."
[[ $version =~ ^[0-9A-Za-z][0-9A-Za-z.+-]*$ ]] || fail "'$version' is not a version (e.g. 1.2.3)."

release_url=$(trim "${INPUT_RELEASE_URL:-}")
release_url=${release_url:-$DEFAULT_RELEASE_URL}
release_url=${release_url%/}
asset=static-build-linux-$arch
cache_root=${RUNNER_TOOL_CACHE:-$HOME/.cache}/static-build
if ! mkdir -p "$cache_root" 2>/dev/null || [ ! -w "$cache_root" ]; then
  say "cannot write to $cache_root: caching in ${RUNNER_TEMP:-/tmp} for this job only"
  cache_root=${RUNNER_TEMP:-/tmp}/static-build
  mkdir -p "$cache_root"
fi

# --- helpers ------------------------------------------------------------------------------------------
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is installed: the download cannot be verified (install coreutils)."
  fi
}
# fetch URL FILE: 0 on success; anything else is a failed download (404, no network...).
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 30 --max-time 600 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q --tries=3 --timeout=30 -O "$2" "$1"
  else
    say "neither curl nor wget is installed: cannot download"
    return 1
  fi
}
# sum_for SUMS-FILE NAME: the sum listed for NAME (`<sha256>  NAME` or `<sha256> *NAME`), or nothing.
sum_for() {
  awk -v n="$2" '($2 == n || $2 == "*" n) && $1 ~ /^[0-9a-fA-F]+$/ && length($1) == 64 { print tolower($1); exit }' "$1"
}
publish() { # publish BINARY SOURCE
  local bin=$1 how=$2
  chmod 0755 "$bin"
  say "using $bin ($how): $("$bin" --version 2>&1 | head -n1)"
  if [ -n "${GITHUB_PATH:-}" ]; then
    dirname "$bin" >>"$GITHUB_PATH"
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
      echo "path=$bin"
      echo "version=$version"
      echo "source=$how"
    } >>"$GITHUB_OUTPUT"
  fi
  exit 0
}

build_from_source() { # build_from_source WHY
  say "building static-build $version from the action's source ($1)"
  { [ -f "$ACTION_PATH/Cargo.toml" ] && [ -f "$ACTION_PATH/Cargo.lock" ]; } \
    || fail "cannot build static-build from source: $ACTION_PATH has no Cargo.toml and Cargo.lock."
  local hash dir
  local sources=() p
  # What the binary is built from (not the action's scripts or the tests).
  for p in Cargo.toml Cargo.lock core/Cargo.toml core/src action/Cargo.toml action/build.rs action/src tests/Cargo.toml; do
    [ ! -e "$ACTION_PATH/$p" ] || sources+=("$p")
  done
  hash=$(cd "$ACTION_PATH" && find "${sources[@]}" -type f -not -path '*/target/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  dir=$cache_root/$version-$hash
  if [ -x "$dir/bin/static-build" ]; then
    publish "$dir/bin/static-build" cache
  fi
  local cargo
  cargo=$(command -v cargo 2>/dev/null || true)
  if [ -z "$cargo" ] && [ -x "$HOME/.cargo/bin/cargo" ]; then
    cargo=$HOME/.cargo/bin/cargo
  fi
  [ -n "$cargo" ] || fail "cannot build static-build from source: cargo is not installed on this runner ($1). \
Install a Rust toolchain in an earlier step (for example 'uses: dtolnay/rust-toolchain@stable', or rustup from https://rustup.rs), \
or let the action download a release: check the 'version' and 'release-url' inputs and set build-from-source: false."
  mkdir -p "$dir/bin"
  CARGO_TARGET_DIR=$dir/target "$cargo" build --release --locked -p static-build \
    --manifest-path "$ACTION_PATH/Cargo.toml" \
    || fail "cargo build of static-build $version failed (see the log above)."
  cp "$dir/target/release/static-build" "$dir/bin/static-build.tmp"
  mv -f "$dir/bin/static-build.tmp" "$dir/bin/static-build"
  publish "$dir/bin/static-build" cargo
}

# --- build from source when asked ---------------------------------------------------------------------
case $(trim "${INPUT_BUILD_FROM_SOURCE:-false}") in
  true | TRUE | True) build_from_source "build-from-source: true" ;;
  false | FALSE | False | "") ;;
  *) fail "build-from-source must be true or false, not '${INPUT_BUILD_FROM_SOURCE}'." ;;
esac

# --- the expected checksum ----------------------------------------------------------------------------
tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/static-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

expected=""
if [ "$version" = "$pinned_version" ] && [ -f "$ACTION_PATH/dist/SHA256SUMS" ]; then
  expected=$(sum_for "$ACTION_PATH/dist/SHA256SUMS" "$asset")
  [ -z "$expected" ] || how="the sum pinned in the action (dist/SHA256SUMS)"
fi
if [ -z "$expected" ]; then
  say "no pinned checksum for $asset $version in the action: using the release's SHA256SUMS"
  if ! fetch "$release_url/v$version/SHA256SUMS" "$tmp/SHA256SUMS"; then
    build_from_source "cannot download $release_url/v$version/SHA256SUMS"
  fi
  expected=$(sum_for "$tmp/SHA256SUMS" "$asset")
  [ -n "$expected" ] || fail "the SHA256SUMS of release v$version ($release_url/v$version/SHA256SUMS) lists no $asset: refusing to use an unverified binary."
  how="the release's SHA256SUMS, downloaded from the same place as the binary"
fi

# --- cached, or downloaded and verified ---------------------------------------------------------------
dir=$cache_root/$version-$arch-$expected
if [ -f "$dir/static-build" ] && [ "$(sha256_of "$dir/static-build")" = "$expected" ]; then
  publish "$dir/static-build" cache
fi

url=$release_url/v$version/$asset
say "downloading $url"
if ! fetch "$url" "$tmp/$asset"; then
  build_from_source "cannot download $url"
fi
actual=$(sha256_of "$tmp/$asset")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $url: expected sha256 $expected ($how), got $actual. \
The file is not the published static-build $version; it was not used, and nothing was built. \
Check the 'version' and 'release-url' inputs; a mismatch that persists may mean the download was tampered with."
fi
say "sha256 $actual verified against $how"
mkdir -p "$dir"
mv -f "$tmp/$asset" "$dir/static-build.tmp"
chmod 0755 "$dir/static-build.tmp"
mv -f "$dir/static-build.tmp" "$dir/static-build"
publish "$dir/static-build" download
