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
)
WASM_TARGET=wasm32-unknown-unknown

die() { echo "setup: ERROR: $*" >&2; exit 1; }
step() { printf 'setup: %-34s %s\n' "$1" "$2"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available; run as root"
  SUDO=(sudo)
fi

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

is_installed() {
  # dpkg -s prints 'Status: install ok installed' for an installed package
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
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
  step "apt-get update" "running"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq >/dev/null || die "apt-get update failed"
  step "apt-get install" "${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || die "package $pkg is still not installed after apt-get install"
  done
  step "apt-get install" "done"
else
  step "apt packages" "all present, nothing to install"
fi

# Rust targets: wasm32 for the core's browser build, musl for the Rust fixtures.
if ! command -v rustup >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/rustup" ] && PATH="$HOME/.cargo/bin:$PATH"
fi
command -v rustup >/dev/null 2>&1 || die "rustup not found (needed for 'rustup target add'); install Rust with rustup"
for target in "$WASM_TARGET" x86_64-unknown-linux-musl; do
  if rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    step "rustup $target" "present"
  else
    step "rustup $target" "adding"
    rustup target add "$target" >/dev/null 2>&1 || die "rustup target add $target failed"
    rustup target list --installed | grep -qx "$target" || die "$target still missing after rustup target add"
    step "rustup $target" "added"
  fi
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
