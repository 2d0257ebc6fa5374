#!/usr/bin/env bash
# Benchmark: cold and warm `static-build build` of the real projects (tests/real/fetch.sh) for amd64 with the
# Debian builder image, packages installed by apt: what a hosted runner without caches pays (cold: no cache
# volume) against a second build of the same project (warm: the volume keeps the downloaded packages, the Go
# build cache, cargo's target directory, ccache), and against a build on a runner that starts empty but gets
# the cache back from the CI's cache (ci-cache: after `static-build cache export DIR`, the volume and the
# installed environment removed and the project copied afresh, as a checkout makes it, with new modification
# times; then `build --cache-import DIR`, the import included in the time).
#
#   bench/real.sh [NAME ...]        (default: runc ripgrep mozjpeg libgit2; WARM_RUNS, default 3)
#
# Each project is copied to a temporary directory; its cache volumes and installed environment
# (static-build-env image) are removed before the cold build and after the last warm one. Logs go to
# target/bench/real/. Prints one line per project: cold seconds, the median of the warm builds, cold/warm,
# the median of the ci-cache builds and cold/ci-cache.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

docker info >/dev/null 2>&1 || { echo "no Docker engine: run scripts/docker.sh" >&2; exit 2; }
cargo build --release --locked -p static-build --quiet
SB=$PWD/target/release/static-build
IMAGE=$(scripts/builder-images.sh amd64 | cut -d' ' -f2)
ARGS=(--target amd64 --image "$IMAGE" --package-manager apt)
RUNS=${WARM_RUNS:-3}
OUT=$PWD/target/bench/real
mkdir -p "$OUT"
# The copies live outside any git work tree: inside this repository's, a project's own .gitignore would
# count (ripgrep's `target` rule drops its vendored cc/src/target/), as it does for git.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/static-build-bench-real.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || NAMES=(runc ripgrep mozjpeg libgit2)

volumes() {
  "$SB" plan --format json "${ARGS[@]}" | python3 -c 'import json, sys
for t in json.load(sys.stdin)["targets"]:
    if t.get("cache_volume"): print(t["cache_volume"])'
}

clean() {
  for v in $(volumes); do docker volume rm -f "$v" >/dev/null; done
  docker images --filter label=static-build.env --filter "label=static-build.project=$(readlink -f "$1")" -q \
    | xargs -r docker rmi -f >/dev/null
}

# One build: its wall time in seconds; fails loudly if the build does.
timed_build() {
  local start end log=$1
  shift
  start=$(date +%s.%N)
  "$SB" build "${ARGS[@]}" "$@" >"$OUT/$log.log" 2>&1 || { tail -n 30 "$OUT/$log.log" >&2; echo "bench: $log failed" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }

printf '%-10s %10s %10s %8s %12s %8s\n' project cold-s warm-s ratio ci-cache-s ratio
for name in "${NAMES[@]}"; do
  src=$(tests/real/fetch.sh "$name" 2>/dev/null | sed -n "s/^$name //p")
  [ -n "$src" ] || { echo "bench: cannot fetch $name" >&2; exit 1; }
  dir=$WORK/$name
  rm -rf "$dir" && mkdir -p "$dir" && cp -a "$src/." "$dir/"
  cd "$dir"
  clean "$dir"
  cold=$(timed_build "$name-cold")
  warm=()
  for i in $(seq "$RUNS"); do warm+=("$(timed_build "$name-warm-$i")"); done
  warm_median=$(printf '%s\n' "${warm[@]}" | median)
  cache=$WORK/ci-cache-$name
  "$SB" cache export "$cache" "${ARGS[@]}" >"$OUT/$name-export.log" 2>&1
  hosted=()
  for i in $(seq "$RUNS"); do
    clean "$dir"
    cd "$WORK" && rm -rf "$dir" && mkdir -p "$dir" && cp -r "$src/." "$dir/" && cd "$dir"
    hosted+=("$(timed_build "$name-ci-cache-$i" --cache-import "$cache")")
  done
  from_cache=$(printf '%s\n' "${hosted[@]}" | median)
  clean "$dir"
  cd "$ROOT"
  printf '%-10s %10.1f %10.1f %7.1fx %12.1f %7.1fx\n' "$name" "$cold" "$warm_median" "$(echo "$cold / $warm_median" | bc -l)" \
    "$from_cache" "$(echo "$cold / $from_cache" | bc -l)"
done
