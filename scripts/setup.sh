#!/usr/bin/env bash
# Installs what the static-build test suite needs on a Debian (bookworm) machine.
# Idempotent: every step checks first, so a second run is a fast no-op.
#   - Debian packages (apt-get update runs only when something must be installed)
#   - the rustup target wasm32-unknown-unknown
# One line of output per step; non-zero exit with a message on failure.
set -euo pipefail

# package -> a command it provides (used as a cheap second check)
PACKAGES=(
  "binutils:readelf"
  "file:file"
  "pax-utils:scanelf"
  "elfutils:eu-readelf"
  "gcc:gcc"
  "g++:g++"
  "gcc-multilib:"
  "musl-tools:musl-gcc"
  "golang-go:go"
  "hyperfine:hyperfine"
  "time:"
  "python3:python3"
  # For the steps that scripts/test.sh runs next, some of them at once: installed here, one apt-get at a
  # time, so that they never wait on each other's dpkg lock.
  "docker.io:dockerd"
  "iptables:iptables"
  "qemu-user-static:"
  "binfmt-support:update-binfmts"
  "debootstrap:debootstrap"
  "chromium:chromium"
  "chromium-driver:chromedriver"
)
WASM_TARGET=wasm32-unknown-unknown

SB_NAME=setup
. "$(dirname "$0")/lib.sh"

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | contains 'ok installed'
}

missing=()
for entry in "${PACKAGES[@]}"; do
  pkg=${entry%%:*}
  cmd=${entry#*:}
  if is_installed "$pkg" && { [ -z "$cmd" ] || command -v "$cmd" >/dev/null 2>&1; }; then
    step "$pkg" "present"
  else
    step "$pkg" "missing"
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install" "${missing[*]}"
  apt_install "${missing[@]}"
  step "apt-get install" "done"
else
  step "apt packages" "all present, nothing to install"
fi

# Rust targets: wasm32 for the core's browser build, musl for the Rust fixtures.
for target in "$WASM_TARGET" x86_64-unknown-linux-musl; do
  rustup_target "$target"
done

# cargo-auditable builds the Rust fixture that carries a dependency list (.dep-v0).
if command -v cargo-auditable >/dev/null 2>&1; then
  step "cargo-auditable" "present"
else
  step "cargo-auditable" "installing (about a minute)"
  cargo install --quiet --locked cargo-auditable >/dev/null 2>&1 || die "cargo install cargo-auditable failed"
  command -v cargo-auditable >/dev/null 2>&1 || die "cargo-auditable not on PATH after install (is ~/.cargo/bin on PATH?)"
  step "cargo-auditable" "installed"
fi

step "done" "ok"
