# shellcheck shell=bash
# What every script of this repository shares; sourced, never run. Before sourcing, a script may set
# SB_NAME (the word its messages start with; default: its file name without .sh).
#   die MESSAGE...          the message on standard error, then exit 1
#   log MESSAGE...          one line on standard error (standard output stays for what a script prints)
#   step WHAT STATE         one aligned line of a set-up script: "name: WHAT   STATE"
#   apt_install PACKAGE...  install the Debian packages that are missing (as root, or through sudo); the
#                           package lists are updated at most once per script, and only when an install
#                           from the present lists fails
#   rustup_target TARGET    add a Rust target with rustup when it is not installed
#   test_build PATH         build what `cargo test --workspace` builds (a no-op after the test command's own
#                           build) and print the path of PATH under the target directory, e.g.
#                           `debug/static-build`: `cargo build -p` or `cargo run -p` would resolve one package's
#                           features with another profile and build most dependencies a second time
#   contains GREP-ARGS...   `grep -q` that reads all of its input first: with `set -o pipefail`, a plain
#                           `producer | grep -q` is false whenever grep exits at the first match before the
#                           producer has written the rest (SIGPIPE), which depends on timing

SB_NAME=${SB_NAME:-$(basename "$0" .sh)}

die() { echo "$SB_NAME: ERROR: $*" >&2; exit 1; }
log() { echo "$SB_NAME: $*" >&2; }
step() { printf '%s: %-34s %s\n' "$SB_NAME" "$1" "$2" >&2; }

contains() { local text; text=$(cat) || return 1; grep -q "$@" <<<"$text"; }

SB_APT_UPDATED=${SB_APT_UPDATED:-}

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | contains 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script supports Debian and Ubuntu only (install ${missing[*]})"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available: run as root to install ${missing[*]}"
    sudo=(sudo)
  fi
  local install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends)
  log "installing ${missing[*]}"
  if ! "${install[@]}" "${missing[@]}" >/dev/null 2>&1; then
    if [ -z "$SB_APT_UPDATED" ]; then
      log "apt-get update"
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
      SB_APT_UPDATED=1
    fi
    "${install[@]}" "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
  for pkg in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | contains 'install ok installed' \
      || die "package $pkg is still not installed after apt-get install"
  done
}

rustup_target() {
  if ! command -v rustup >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/rustup" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  fi
  command -v rustup >/dev/null 2>&1 || die "rustup not found (needed for 'rustup target add $1'); install Rust with rustup"
  if rustup target list --installed 2>/dev/null | contains -x "$1"; then
    step "rustup $1" "present"
    return 0
  fi
  step "rustup $1" "adding"
  rustup target add "$1" >/dev/null 2>&1 || die "rustup target add $1 failed"
  rustup target list --installed | contains -x "$1" || die "$1 still missing after rustup target add"
  step "rustup $1" "added"
}

test_build() {
  cargo test --quiet --locked --workspace --no-run || die "cargo test --workspace --no-run failed"
  echo "${CARGO_TARGET_DIR:-target}/$1"
}
