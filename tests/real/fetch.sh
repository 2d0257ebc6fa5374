#!/usr/bin/env bash
# Fetches the real projects that action/tests/it/real.rs builds with static-build: projects that nobody here
# wrote, taken from the package registries these machines reach (Debian's packages, crates.io, PyPI), never
# committed. Each lands in OUTDIR/<name>/ with its static-build.toml from tests/real/<name>.toml beside its
# sources; bench/real.sh uses the same trees.
#
#   tests/real/fetch.sh [NAME ...]      (default: all; OUTDIR: <repo>/target/real-projects)
#
# Cached: a project whose stamp (the hash of this script, of its recipe and of the versions fetched) matches
# is not fetched again. Downloads are checked: crates and sdists against the SHA-256 pinned here, Debian's
# packages by apt against the signed archive (a private apt root; the host's apt state is left alone).
#
# The projects:
#   runc       Go with cgo: `#cgo pkg-config: libseccomp` (libseccomp-golang), GOPATH tree from Debian's
#              golang-github-opencontainers-runc-dev and the golang-*-dev packages it depends on
#   ripgrep    Rust: pcre2-sys links the system's libpcre2-8 through pkg-config (feature pcre2); the crate
#              from crates.io with its dependencies vendored by `cargo vendor --locked`
#   mozjpeg    C with autotools (a generated ./configure, libtool): cjpeg reads PNG through libpng, found by
#              PKG_CHECK_MODULES; mozjpeg 3.2's release tarball as the npm package mozjpeg 8.0.0 carries it
#   libgit2    C with CMake: the git2 command-line tool with SSH through libssh2, found by pkg_check_modules;
#              libgit2 1.9.7 as the crate libgit2-sys 0.18.8 carries it
#   pcap-tester  Go with cgo linking Debian's libpcap, which cannot be linked statically on Debian (D-Bus
#              needs libsystemd.a, which Debian does not ship): gopacket's pcap_tester.go
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
REPO=$(cd "$HERE/../.." && pwd)
OUT=${STATIC_BUILD_REAL_DIR:-$REPO/target/real-projects}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

SB_NAME=real-projects
. "$(dirname "$0")/../../scripts/lib.sh"

for tool in apt-get dpkg-deb sha256sum flock curl tar cargo; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (scripts/setup.sh installs the test machine's tools)"
done

exec 9>"$OUT/.lock"
flock 9

SCRIPT_HASH=$(sha256sum <"$SELF" | cut -c1-16)

# ---------------------------------------------------------------- helpers

# fetch URL SHA256 FILE: downloads once, checks the pinned hash.
fetch() {
  local url=$1 sum=$2 file=$3
  if [ ! -f "$file" ] || ! echo "$sum  $file" | sha256sum -c --quiet - 2>/dev/null; then
    log "downloading $url"
    curl -fsSL --retry 3 -o "$file.part" "$url" || die "cannot download $url"
    mv "$file.part" "$file"
  fi
  echo "$sum  $file" | sha256sum -c --quiet - || die "$url: SHA-256 mismatch (expected $sum)"
}

# A private apt root for bookworm amd64 (Debian's Go sources are Architecture: all), like
# tests/corpus/fetch.sh: own lists, cache and an empty dpkg status.
APT=$OUT/.apt
apt_root() {
  [ -n "${APT_CONFIG:-}" ] && return
  local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || die "$keyring not found (apt-get install debian-archive-keyring)"
  mirror=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  mirror=${REAL_MIRROR:-${mirror:-http://deb.debian.org/debian}}
  mkdir -p "$APT/etc/apt.conf.d" "$APT/etc/preferences.d" "$APT/etc/sources.list.d" \
    "$APT/state/lists/partial" "$APT/cache/archives/partial" "$APT/log" "$APT/debs"
  : >"$APT/state/status"
  : >"$APT/etc/sources.list"
  {
    echo "Dir::State \"$APT/state/\";"
    echo "Dir::State::status \"$APT/state/status\";"
    echo "Dir::Cache \"$APT/cache/\";"
    echo "Dir::Etc \"$APT/etc/\";"
    echo "Dir::Log \"$APT/log/\";"
    echo 'APT::Architecture "amd64";'
    echo 'APT::Architectures { "amd64"; };'
    echo 'Acquire::Languages "none";'
    echo 'Acquire::Retries "3";'
    [ "$(id -u)" -eq 0 ] && echo 'APT::Sandbox::User "root";'
  } >"$APT/apt.conf"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: %s\n' \
    "$mirror" "$keyring" >"$APT/etc/sources.list.d/real.sources"
  export APT_CONFIG=$APT/apt.conf
  unset DEBIAN_FRONTEND
  log "apt-get update (private apt root $APT)"
  apt-get update -qq >"$APT/log/update.log" 2>&1 || { tail -n 20 "$APT/log/update.log" >&2; die "apt-get update failed"; }
}

# The golang-*-dev packages that PACKAGE needs, itself included: Go sources only (no toolchain).
go_source_packages() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances "$@" | grep -E '^golang-.*-dev$' | sort -u
}

# unpack_gocode DIR PACKAGE...: downloads the packages and puts their /usr/share/gocode/src into DIR/src.
unpack_gocode() {
  local dir=$1
  shift
  rm -rf "$APT/debs" && mkdir -p "$APT/debs"
  (cd "$APT/debs" && apt-get download -qq "$@" >/dev/null 2>"$APT/log/download.log") \
    || { tail -n 20 "$APT/log/download.log" >&2; die "apt-get download failed"; }
  local unpacked=$dir.unpack
  rm -rf "$unpacked" && mkdir -p "$unpacked" "$dir"
  for deb in "$APT/debs"/*.deb; do dpkg-deb -x "$deb" "$unpacked"; done
  [ -d "$unpacked/usr/share/gocode/src" ] || die "no Go sources in $*"
  mv "$unpacked/usr/share/gocode/src" "$dir/src"
  rm -rf "$unpacked" "$APT/debs"
}

# stamp_ok NAME KEY / stamp NAME KEY
stamp_ok() { [ -f "$OUT/$1/.fetched" ] && [ "$(cat "$OUT/$1/.fetched")" = "$2" ]; }
stamp() { echo "$2" >"$OUT/$1/.fetched"; }

config() { cp "$HERE/$1.toml" "$OUT/$1/static-build.toml"; }

# ---------------------------------------------------------------- the projects

fetch_gocode_project() {
  local name=$1
  shift
  apt_root
  local packages versions key
  packages=$(go_source_packages "$@") || die "$name: cannot resolve the Go source packages of $*"
  # shellcheck disable=SC2086 # one word per package
  versions=$(apt-cache show --no-all-versions $packages | awk '/^Package:/ {p=$2} /^Version:/ {print p "=" $2}')
  key=$(printf '%s\n' "$SCRIPT_HASH" "$(sha256sum <"$HERE/$name.toml")" "$versions" | sha256sum | cut -c1-16)
  if stamp_ok "$name" "$key"; then
    log "$name: up to date"
    return
  fi
  log "$name: $(echo "$packages" | wc -l) Debian Go source packages"
  rm -rf "${OUT:?}/$name"
  # shellcheck disable=SC2086
  unpack_gocode "$OUT/$name" $packages
  echo "$versions" >"$OUT/$name/PACKAGES"
  config "$name"
  stamp "$name" "$key"
}

runc() { fetch_gocode_project runc golang-github-opencontainers-runc-dev; }
pcap-tester() { fetch_gocode_project pcap-tester golang-github-google-gopacket-dev; }

RIPGREP_VERSION=15.1.0
RIPGREP_SHA256=f388c4955f85477c28a8667355819844a06614b083c23517f0e86bd1d6d82b73
ripgrep() {
  local name=ripgrep dir=$OUT/ripgrep key
  key=$(simple_key $name)
  if stamp_ok "$name" "$key"; then
    log "$name: up to date"
    return
  fi
  mkdir -p "$OUT/.downloads"
  local crate=$OUT/.downloads/ripgrep-$RIPGREP_VERSION.crate
  fetch "https://static.crates.io/crates/ripgrep/ripgrep-$RIPGREP_VERSION.crate" "$RIPGREP_SHA256" "$crate"
  # Unpacked and vendored outside this repository: inside it, cargo would take the crate for a member of
  # static-build's own workspace.
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/real-ripgrep.XXXXXX")
  tar -C "$work" -xzf "$crate"
  # Its dependencies, exactly as its Cargo.lock says (cargo checks each crate's checksum), vendored on
  # this host: build containers cannot verify crates.io's TLS here, and a vendored project builds offline.
  log "$name: cargo vendor"
  (cd "$work/ripgrep-$RIPGREP_VERSION" && cargo vendor --locked --versioned-dirs --quiet vendor >/dev/null) \
    || { rm -rf "$work"; die "$name: cargo vendor failed"; }
  mkdir -p "$work/ripgrep-$RIPGREP_VERSION/.cargo"
  printf '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n' \
    >"$work/ripgrep-$RIPGREP_VERSION/.cargo/config.toml"
  rm -rf "$dir"
  mv "$work/ripgrep-$RIPGREP_VERSION" "$dir" && rm -rf "$work"
  config "$name"
  stamp "$name" "$key"
}

# unpack_archive NAME URL SHA256 INNER: a project whose sources are the directory INNER of an archive.
unpack_archive() {
  local name=$1 url=$2 sum=$3 inner=$4 dir=$OUT/$1 file
  mkdir -p "$OUT/.downloads"
  file=$OUT/.downloads/${url##*/}
  fetch "$url" "$sum" "$file"
  rm -rf "$dir" "$dir.unpack" && mkdir -p "$dir.unpack"
  tar -C "$dir.unpack" -xzf "$file"
  [ -d "$dir.unpack/$inner" ] || die "$name: no $inner in $url"
  mv "$dir.unpack/$inner" "$dir" && rm -rf "$dir.unpack"
}

simple_key() { printf '%s\n' "$SCRIPT_HASH" "$(sha256sum <"$HERE/$1.toml")" | sha256sum | cut -c1-16; }

MOZJPEG_NPM=https://registry.npmjs.org/mozjpeg/-/mozjpeg-8.0.0.tgz
MOZJPEG_NPM_SHA256=2a28f72ac9991a53572e634efa668ab9bdafa4653aa6d771298f2212e49d9467
MOZJPEG_TAR_SHA256=8aecc1ecad447a73ae01b9a546e99142345e5a92838d84af425f2b19202e7b73
mozjpeg() {
  local name=mozjpeg key
  key=$(simple_key $name)
  if stamp_ok "$name" "$key"; then log "$name: up to date"; return; fi
  # The npm package vendors the upstream release tarball, which holds the generated configure.
  unpack_archive mozjpeg-npm "$MOZJPEG_NPM" "$MOZJPEG_NPM_SHA256" package
  local tarball=$OUT/mozjpeg-npm/vendor/source/mozjpeg.tar.gz
  echo "$MOZJPEG_TAR_SHA256  $tarball" | sha256sum -c --quiet - || die "$name: mozjpeg.tar.gz SHA-256 mismatch"
  rm -rf "${OUT:?}/$name" "$OUT/$name.unpack" && mkdir -p "$OUT/$name.unpack"
  tar -C "$OUT/$name.unpack" -xzf "$tarball"
  mv "$OUT/$name.unpack/mozjpeg" "$OUT/$name" && rm -rf "$OUT/$name.unpack" "$OUT/mozjpeg-npm"
  [ -x "$OUT/$name/configure" ] || die "$name: no configure script"
  config "$name"
  stamp "$name" "$key"
}

LIBGIT2_CRATE=https://static.crates.io/crates/libgit2-sys/libgit2-sys-0.18.8+1.9.7.crate
LIBGIT2_CRATE_SHA256=7f7c568b25d7489bc3fb2988ed69ab111d2944d2f5fec3d5c987fe545ea97b50
libgit2() {
  local name=libgit2 key
  key=$(simple_key $name)
  if stamp_ok "$name" "$key"; then log "$name: up to date"; return; fi
  unpack_archive libgit2 "$LIBGIT2_CRATE" "$LIBGIT2_CRATE_SHA256" "libgit2-sys-0.18.8+1.9.7/libgit2"
  [ -f "$OUT/$name/CMakeLists.txt" ] || die "$name: no CMakeLists.txt"
  config "$name"
  stamp "$name" "$key"
}

ALL=(runc ripgrep mozjpeg libgit2 pcap-tester)
NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || NAMES=("${ALL[@]}")
for n in "${NAMES[@]}"; do
  case " ${ALL[*]} " in *" $n "*) ;; *) die "unknown project $n (known: ${ALL[*]})" ;; esac
  "$n"
  echo "$n $OUT/$n"
done
