#!/usr/bin/env bash
# Installs what the web page's build and browser tests need on a Debian (bookworm) machine:
#   - Debian's chromium and chromium-driver (apt-get runs only when /usr/bin/chromium or
#     /usr/bin/chromedriver is missing; about 40 s);
#   - the rustup target wasm32-unknown-unknown;
#   - the wasm-bindgen CLI (wasm-bindgen, wasm-bindgen-test-runner) at exactly the version of the
#     `wasm-bindgen` crate in Cargo.lock (cargo install, about 3 minutes; skipped when that version is
#     installed already);
#   - optionally wasm-opt (npm binaryen@132, into target/tools/binaryen) when npm is available.
# Then prints the versions and checks that chromium and chromedriver have the same major version.
# Idempotent: a second run is a fast no-op. One line of output per step; non-zero exit with a message on
# failure. Runs as root, or as a user with sudo (apt-get only).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
WASM_TARGET=wasm32-unknown-unknown
CARGO_BIN=${CARGO_HOME:-$HOME/.cargo}/bin

SB_NAME=web-setup
. scripts/lib.sh

# --- Chromium and chromedriver (Debian packages) ---------------------------------------------------------
if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
  step "chromium, chromium-driver" "present"
else
  step "chromium, chromium-driver" "missing, installing (about 40 s)"
  apt_install chromium chromium-driver
  [ -x "$CHROMIUM" ] || die "$CHROMIUM is still missing after apt-get install chromium"
  [ -x "$CHROMEDRIVER" ] || die "$CHROMEDRIVER is still missing after apt-get install chromium-driver"
  step "chromium, chromium-driver" "installed"
fi

# --- Rust target ----------------------------------------------------------------------------------------
rustup_target "$WASM_TARGET"

# --- wasm-bindgen CLI, pinned to Cargo.lock -------------------------------------------------------------
[ -f Cargo.lock ] || die "Cargo.lock not found in $(pwd)"
# The version line of every [[package]] named exactly "wasm-bindgen".
versions=$(awk '
  /^\[\[package\]\]$/ { name = "" }
  /^name = /          { name = $3 }
  /^version = / && name == "\"wasm-bindgen\"" { gsub(/"/, "", $3); print $3 }
' Cargo.lock | sort -u)
[ -n "$versions" ] || die "no wasm-bindgen package in Cargo.lock"
[ "$(printf '%s\n' "$versions" | wc -l)" -eq 1 ] \
  || die "Cargo.lock has more than one wasm-bindgen version ($(printf '%s\n' "$versions" | tr '\n' ' ')); the CLI can match only one"
want=$versions

# The version a CLI binary reports ("wasm-bindgen 0.2.130"), empty when it is missing or broken.
cli_version() { "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true; }

have_bg=$(cli_version "$CARGO_BIN/wasm-bindgen")
have_runner=$(cli_version "$CARGO_BIN/wasm-bindgen-test-runner")
if [ "$have_bg" = "$want" ] && [ "$have_runner" = "$want" ]; then
  step "wasm-bindgen-cli $want" "present"
else
  command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust with rustup"
  step "wasm-bindgen-cli $want" "have ${have_bg:-none}, installing (about 3 minutes)"
  log=${TMPDIR:-/tmp}/web-setup-wasm-bindgen-cli.log
  # No --locked: the CLI's own lockfile pins a crate version that the crates registry mirror of these
  # machines does not serve; without it cargo picks versions that it does.
  # Without its default feature (TLS, with which the test runner would download a WebDriver over HTTPS; here
  # it is handed chromedriver and talks to it over plain HTTP on localhost) and at opt-level 1: the same
  # page, byte for byte, for a quarter less compile time (241 instead of 313 CPU seconds).
  if ! CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "$want" --no-default-features \
    --force >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "cargo install wasm-bindgen-cli --version $want failed (full log: $log)"
  fi
  have_bg=$(cli_version "$CARGO_BIN/wasm-bindgen")
  have_runner=$(cli_version "$CARGO_BIN/wasm-bindgen-test-runner")
  if [ "$have_bg" != "$want" ] || [ "$have_runner" != "$want" ]; then
    die "after cargo install, $CARGO_BIN has wasm-bindgen ${have_bg:-none} and wasm-bindgen-test-runner ${have_runner:-none}, not $want"
  fi
  step "wasm-bindgen-cli $want" "installed"
fi
# The build and the tests call them by name: the ones on PATH must be these.
for tool in wasm-bindgen wasm-bindgen-test-runner; do
  found=$(command -v "$tool" || true)
  [ -n "$found" ] || die "$tool is in $CARGO_BIN but not on PATH; add $CARGO_BIN to PATH"
  [ "$(cli_version "$found")" = "$want" ] \
    || die "$tool on PATH is $found ($(cli_version "$found")), which hides $CARGO_BIN/$tool ($want); fix PATH"
done

# --- wasm-opt (binaryen from npm) -------------------------------------------------------------------------
# Optional: web/build.sh shrinks the module with it when present (Debian's binaryen 108 cannot read current
# wasm-bindgen output; npm's binaryen@132 can). Installed into the build tree, not globally.
BINARYEN_VERSION=132.0.0
BINARYEN_DIR=$(pwd)/target/tools/binaryen
binaryen_have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$BINARYEN_DIR/node_modules/binaryen/package.json" 2>/dev/null | head -n1 || true)
if [ "$binaryen_have" = "$BINARYEN_VERSION" ] && [ -x "$BINARYEN_DIR/node_modules/.bin/wasm-opt" ]; then
  step "wasm-opt (npm binaryen)" "present ($BINARYEN_VERSION)"
elif ! command -v npm >/dev/null 2>&1; then
  step "wasm-opt (npm binaryen)" "skipped: no npm (the page builds without it, about 30% larger)"
else
  step "wasm-opt (npm binaryen)" "installing binaryen@$BINARYEN_VERSION"
  mkdir -p "$BINARYEN_DIR"
  log=$BINARYEN_DIR/npm-install.log
  if ! npm install --prefix "$BINARYEN_DIR" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "npm install binaryen@$BINARYEN_VERSION failed (full log: $log)"
  fi
  "$BINARYEN_DIR/node_modules/.bin/wasm-opt" --version >/dev/null 2>&1 \
    || die "$BINARYEN_DIR/node_modules/.bin/wasm-opt does not run (log: $log)"
  step "wasm-opt (npm binaryen)" "installed"
fi

# --- Versions -------------------------------------------------------------------------------------------
# (Debian's launcher script prints a shell warning on stderr on some machines: ignore stderr.)
chromium_version=$("$CHROMIUM" --version 2>/dev/null | awk '{ print $2 }') || true
driver_version=$("$CHROMEDRIVER" --version 2>/dev/null | awk '{ print $2 }') || true
[ -n "$chromium_version" ] || die "$CHROMIUM --version printed nothing (is the chromium package broken?)"
[ -n "$driver_version" ] || die "$CHROMEDRIVER --version printed nothing (is the chromium-driver package broken?)"
step "chromium" "$chromium_version"
step "chromedriver" "$driver_version"
step "wasm-bindgen (and test runner)" "$want"
[ "${chromium_version%%.*}" = "${driver_version%%.*}" ] \
  || die "chromium $chromium_version and chromedriver $driver_version differ in major version; upgrade both: apt-get update && apt-get install -y chromium chromium-driver"
step "done" "ok"
