#!/usr/bin/env bash
# The action's first step: puts the static-build binary for this runner on PATH.
#
# Downloads RELEASE_URL/v<version>/static-build-linux-<arch> and checks its SHA-256 against:
# - the sum this action pins (dist/SHA256SUMS, when dist/VERSION is the version being downloaded and lists
#   the asset), whatever RELEASE_URL is;
# - else the release's own SHA256SUMS, but only when RELEASE_URL is a release of the action's own
#   repository: ${GITHUB_SERVER_URL}/${GITHUB_ACTION_REPOSITORY}/releases/download,
#   https://github.com/${GITHUB_ACTION_REPOSITORY}/releases/download, or the default (upstream's releases).
#   A sum from anywhere else comes from the same place as the binary and proves nothing: such a RELEASE_URL
#   without a pinned sum is refused before anything is downloaded.
# A mismatch fails hard: it is never "fixed" by building instead. When the download itself fails (no such
# release, no network) or INPUT_BUILD_FROM_SOURCE is true, builds static-build from the action's own source
# with cargo; that build is labelled as one (version <source version>+source, source cargo), never as the
# release. Both the downloaded binary and the cargo build are cached under
# ${RUNNER_TOOL_CACHE:-$HOME/.cache}/static-build; a cached download is reused only when its sum is the
# expected one, a cached build only when its sum is the one recorded when it was built and its --version
# names the source's version (else it is rebuilt from scratch).
#
# Inputs (environment): INPUT_VERSION, INPUT_RELEASE_URL, INPUT_BUILD_FROM_SOURCE; GITHUB_ACTION_PATH,
# GITHUB_ACTION_REPOSITORY, GITHUB_SERVER_URL, RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, RUNNER_TEMP,
# GITHUB_OUTPUT, GITHUB_PATH.
# Outputs: path (the binary); version (the release's version, e.g. 1.2.3, or for a build from the action's
# source the source's version with `+source`, e.g. 1.2.3+source); source (download, cache: a release
# downloaded now or earlier; cargo: built from the action's source, now or reused from the cache).
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
# source_version: the version of the action's own source (its Cargo.toml), or nothing.
source_version() {
  local v=""
  if [ -f "$ACTION_PATH/Cargo.toml" ]; then
    v=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' "$ACTION_PATH/Cargo.toml" | head -n1)
  fi
  if [ -z "$v" ] && [ -f "$ACTION_PATH/action/Cargo.toml" ]; then
    v=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' "$ACTION_PATH/action/Cargo.toml" | head -n1)
  fi
  printf '%s' "$v"
}
version_re='^[0-9A-Za-z][0-9A-Za-z.+-]*$'
if [ -z "$version" ]; then
  version=$(source_version)
fi
[ -n "$version" ] || fail "cannot tell which static-build version to use: set the 'version' input."
[[ $version =~ $version_re ]] || fail "'$version' is not a version (e.g. 1.2.3)."

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
    fail "neither sha256sum nor shasum is installed: the binary cannot be verified (install coreutils)."
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
# version_line BINARY: the first line of what BINARY prints for --version (stopped after 60 s if it hangs).
version_line() {
  local out
  if command -v timeout >/dev/null 2>&1; then
    out=$(timeout 60 "$1" --version 2>&1) || true
  else
    out=$("$1" --version 2>&1) || true
  fi
  printf '%s' "${out%%$'\n'*}"
}
publish() { # publish BINARY SOURCE VERSION [NOTE]: the step's outputs; NOTE ends the log line
  local bin=$1 how=$2 label=$3 note=${4:-}
  chmod 0755 "$bin"
  say "using $bin ($how): $(version_line "$bin")${note:+; $note}"
  if [ -n "${GITHUB_PATH:-}" ]; then
    dirname "$bin" >>"$GITHUB_PATH"
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
      echo "path=$bin"
      echo "version=$label"
      echo "source=$how"
    } >>"$GITHUB_OUTPUT"
  fi
  exit 0
}

# source_build_problem BINARY VERSION: what is wrong with a cached build from source, or nothing when its
# sha256 is the one recorded when it was built and it answers --version with `static-build VERSION`.
source_build_problem() {
  local bin=$1 want=$2 recorded actual said
  if [ -L "$bin" ] || [ ! -f "$bin" ]; then
    echo "it is not a regular file"
    return
  fi
  recorded=$(head -c 64 "$bin.sha256" 2>/dev/null || true)
  if [[ ! $recorded =~ ^[0-9a-f]{64}$ ]]; then
    echo "no sha256 was recorded when it was built ($bin.sha256 is missing or unreadable)"
    return
  fi
  actual=$(sha256_of "$bin")
  if [ "$actual" != "$recorded" ]; then
    echo "its sha256 is $actual, but $recorded was recorded when it was built"
    return
  fi
  said=$(version_line "$bin")
  if [ "$said" != "static-build $want" ]; then
    echo "it answers --version with '$said', not 'static-build $want'"
  fi
}

build_from_source() { # build_from_source WHY
  local why=$1 src_version label note
  { [ -f "$ACTION_PATH/Cargo.toml" ] && [ -f "$ACTION_PATH/Cargo.lock" ]; } \
    || fail "cannot build static-build from source ($why): $ACTION_PATH has no Cargo.toml and Cargo.lock."
  src_version=$(source_version)
  [[ $src_version =~ $version_re ]] \
    || fail "cannot build static-build from source ($why): no version in $ACTION_PATH/Cargo.toml to label the build with."
  # Semver build metadata: a build from source is never mistaken for the release of the same version.
  if [[ $src_version == *+* ]]; then label=$src_version.source; else label=$src_version+source; fi
  note="built from the action's source at $ACTION_PATH (version output $label), not the published release v$version"
  say "using static-build $src_version from the action's source, not the published release v$version ($why)"
  sha256_of "$ACTION_PATH/Cargo.toml" >/dev/null # fails here, with its message, when no sha256 tool exists
  local hash dir bin problem
  local sources=() p
  # What the binary is built from (not the action's scripts or the tests).
  for p in Cargo.toml Cargo.lock core/Cargo.toml core/src action/Cargo.toml action/build.rs action/src tests/Cargo.toml; do
    [ ! -e "$ACTION_PATH/$p" ] || sources+=("$p")
  done
  hash=$(cd "$ACTION_PATH" && find "${sources[@]}" -type f -not -path '*/target/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  dir=$cache_root/$src_version-$hash
  bin=$dir/bin/static-build
  if [ -e "$bin" ] || [ -L "$bin" ]; then
    problem=$(source_build_problem "$bin" "$src_version")
    if [ -z "$problem" ]; then
      publish "$bin" cargo "$label" \
        "$note; reused from the cache: its sha256 is the one recorded when it was built and it names version $src_version"
    fi
    # Its cargo target directory is no more trustworthy than the binary: start again from nothing.
    warn "the cached build from source $bin is not used: $problem. Rebuilding it from scratch; if this happens again, something is changing the tool cache ($cache_root)."
    rm -rf "$dir"
  fi
  local cargo
  cargo=$(command -v cargo 2>/dev/null || true)
  if [ -z "$cargo" ] && [ -x "$HOME/.cargo/bin/cargo" ]; then
    cargo=$HOME/.cargo/bin/cargo
  fi
  [ -n "$cargo" ] || fail "cannot build static-build from source: cargo is not installed on this runner ($why). \
Install a Rust toolchain in an earlier step (for example 'uses: dtolnay/rust-toolchain@stable', or rustup from https://rustup.rs), \
or let the action download a release: check the 'version' and 'release-url' inputs and set build-from-source: false."
  mkdir -p "$dir/bin"
  say "building static-build $src_version from the action's source with cargo"
  CARGO_TARGET_DIR=$dir/target "$cargo" build --release --locked -p static-build \
    --manifest-path "$ACTION_PATH/Cargo.toml" \
    || fail "cargo build of static-build $src_version from the action's source failed (see the log above)."
  local built sum said
  built=$dir/bin/static-build.tmp
  cp "$dir/target/release/static-build" "$built"
  chmod 0755 "$built"
  said=$(version_line "$built")
  [ "$said" = "static-build $src_version" ] \
    || fail "static-build built from the action's source answers --version with '$said', not 'static-build $src_version' (the version in $ACTION_PATH/Cargo.toml): not using it."
  sum=$(sha256_of "$built")
  printf '%s  static-build\n' "$sum" >"$bin.sha256.tmp"
  mv -f "$bin.sha256.tmp" "$bin.sha256"
  mv -f "$built" "$bin"
  publish "$bin" cargo "$label" "$note; its sha256 $sum is recorded in $bin.sha256 and checked before the cache is reused"
}

# --- build from source when asked ---------------------------------------------------------------------
case $(trim "${INPUT_BUILD_FROM_SOURCE:-false}") in
  true | TRUE | True) build_from_source "build-from-source: true" ;;
  false | FALSE | False | "") ;;
  *) fail "build-from-source must be true or false, not '${INPUT_BUILD_FROM_SOURCE}'." ;;
esac

# --- where a release's own SHA256SUMS is trusted ------------------------------------------------------
# Without a pinned sum, the release's SHA256SUMS comes from the same place as the binary: a hostile place
# serves a matching pair, so the sum proves nothing about it. It is trusted only from a place this workflow
# already trusts with its code: the releases of the repository the action itself runs from (on this
# server, as on GitHub Enterprise Server, Gitea or Forgejo, or on github.com), or upstream's (the default).
trusted_urls=()
trust_reasons=()
action_repo=$(trim "${GITHUB_ACTION_REPOSITORY:-}")
if [[ $action_repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] && [[ ! $action_repo =~ (^|/)\.\.?(/|$) ]]; then
  server_url=$(trim "${GITHUB_SERVER_URL:-}")
  server_url=${server_url%/}
  if [ -n "$server_url" ] && [ "${server_url,,}" != https://github.com ]; then
    trusted_urls+=("$server_url/$action_repo/releases/download")
    trust_reasons+=("a release of the action's own repository, $action_repo on $server_url")
  fi
  trusted_urls+=("https://github.com/$action_repo/releases/download")
  trust_reasons+=("a release of the action's own repository, $action_repo on https://github.com")
fi
trusted_urls+=("$DEFAULT_RELEASE_URL")
trust_reasons+=("the default release-url, the releases of upstream static-build/static-build on https://github.com")
trust_rule="a release's own SHA256SUMS is trusted only from the releases of the action's own repository \
(on GITHUB_SERVER_URL or https://github.com) or of upstream static-build (the default release-url)"
# trust_of URL: why a release's own SHA256SUMS under URL is trusted; status 1 (and nothing) when it is not.
trust_of() {
  local i
  for i in "${!trusted_urls[@]}"; do
    # Host names are case-insensitive, and so are owners and repositories on GitHub, Gitea and Forgejo.
    if [ "${1,,}" = "${trusted_urls[$i],,}" ]; then
      printf '%s' "${trust_reasons[$i]}"
      return 0
    fi
  done
  return 1
}

# --- the expected checksum ----------------------------------------------------------------------------
tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/static-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

expected=""
if [ "$version" = "$pinned_version" ] && [ -f "$ACTION_PATH/dist/SHA256SUMS" ]; then
  expected=$(sum_for "$ACTION_PATH/dist/SHA256SUMS" "$asset")
  [ -z "$expected" ] || how="the sum pinned in the action (dist/SHA256SUMS)"
fi
if [ -z "$expected" ]; then
  if ! trust=$(trust_of "$release_url"); then
    pinned_hint=""
    if [ -n "$pinned_version" ] && [ "$pinned_version" != "$version" ]; then
      pinned_hint=", or use the version it pins ($pinned_version: leave the 'version' input empty)"
    fi
    fail "refusing to download static-build $version from release-url $release_url: the action pins no sum for \
$asset $version (dist/VERSION and dist/SHA256SUMS), and without one $trust_rule; \
here: $(printf '%s, ' "${trusted_urls[@]}" | sed 's/, $//'). A SHA256SUMS from anywhere else comes from the same \
place as the binary and proves nothing. Nothing was downloaded. To fix it, do one of these: pin the release's sums \
in the action's dist/VERSION and dist/SHA256SUMS$pinned_hint; set release-url to one of those (e.g. ${trusted_urls[0]}) \
or leave it unset; or set build-from-source: true to build static-build from the action's source with cargo."
  fi
  sums_url=$release_url/v$version/SHA256SUMS
  say "no pinned checksum for $asset $version in the action: using the release's SHA256SUMS, trusted because $release_url is $trust"
  if ! fetch "$sums_url" "$tmp/SHA256SUMS"; then
    build_from_source "cannot download $sums_url"
  fi
  expected=$(sum_for "$tmp/SHA256SUMS" "$asset")
  [ -n "$expected" ] || fail "the SHA256SUMS of release v$version ($sums_url) lists no $asset: refusing to use an unverified binary."
  how="the release's SHA256SUMS ($sums_url): no sum is pinned for $asset $version, and $trust_rule; this is $trust"
fi

# --- cached, or downloaded and verified ---------------------------------------------------------------
dir=$cache_root/$version-$arch-$expected
if [ -f "$dir/static-build" ] && [ "$(sha256_of "$dir/static-build")" = "$expected" ]; then
  publish "$dir/static-build" cache "$version" "its sha256 $expected is the one expected ($how)"
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
publish "$dir/static-build" download "$version"
