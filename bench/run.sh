#!/usr/bin/env bash
# Benchmark: `static-build inspect` side by side with `scanelf` and `readelf -lhdV` in the same run, over the
# multi-architecture corpus, /usr/lib/x86_64-linux-gnu and /usr/bin, printing wall, user and system time, the
# ratios and peak memory; then the cost of a verdict on a multi-gigabyte sparse file against the same binary at
# its real size.
#
#   bench/run.sh            (after scripts/setup.sh, tests/corpus/fetch.sh, tests/fixtures/build.sh; builds the
#                            release binary as released, x86_64-unknown-linux-musl, and the host's glibc build)
#   RUNS=3 bench/run.sh     fewer runs (10 by default)
#   BEFORE=path/to/static-build bench/run.sh
#                           adds another build of static-build (say, the last release) to every comparison
#   CARGO_TARGET_DIR=DIR bench/run.sh
#                           builds and measures DIR/x86_64-unknown-linux-musl/release/static-build (and
#                           DIR/release/static-build)
#
# Uses hyperfine (wall time and CPU time, warm cache, three warm-up runs) and GNU time (peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "hyperfine missing: run scripts/setup.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: run scripts/setup.sh" >&2; exit 2; }
[ -f target/corpus/.stamp ] || { echo "corpus missing: run tests/corpus/fetch.sh" >&2; exit 2; }
[ -f target/fixtures/.stamp ] || { echo "fixtures missing: run tests/fixtures/build.sh" >&2; exit 2; }

# What users run is the release asset: x86_64-unknown-linux-musl, static (release/static-build.toml builds it
# in a container; the same target and profile here). The host's glibc build is measured beside it: the two
# differ by their C library's allocator until the program brings its own (src/main.rs).
MUSL=x86_64-unknown-linux-musl
rustup target list --installed 2>/dev/null | grep -qx "$MUSL" \
  || { echo "the $MUSL target is missing: run scripts/setup.sh" >&2; exit 2; }
cargo build --release -p static-build --target "$MUSL" --quiet
cargo build --release -p static-build --quiet
TD=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
SB=$TD/$MUSL/release/static-build
GNU=$TD/release/static-build
OUT=target/bench
mkdir -p "$OUT"

peak_kb() { /usr/bin/time -f %M "$@" >/dev/null 2>"$OUT/time.err" || true; tail -n1 "$OUT/time.err"; }

bench_dir() {
  # The real path: scanelf -R and find do not go into a directory that is a symbolic link.
  local name=$1 dir
  dir=$(readlink -f "$2")
  echo
  echo "## $name: $dir"
  # One static-build process walks the tree; readelf and scanelf get the same regular files.
  find "$dir" -type f > "$OUT/$name.files"
  echo "files: $(wc -l < "$OUT/$name.files")"
  local before=()
  [ -n "${BEFORE:-}" ] && before=(-n before "$BEFORE inspect --output /dev/null $dir")
  # Three warm-up runs each: the command that follows the last set's readelf (minutes of it) ran its first two
  # or three runs up to twice as slow, whichever command it was (BENCHMARKS.md, seventh session).
  hyperfine --warmup 3 --runs "${RUNS:-10}" --ignore-failure --export-json "$OUT/$name.json" --style basic \
    -n static-build "$SB inspect --output /dev/null $dir" \
    -n glibc-build "$GNU inspect --output /dev/null $dir" \
    "${before[@]}" \
    -n scanelf "scanelf -R -q -a $dir" \
    -n readelf "xargs -d '\n' -a $OUT/$name.files readelf -lhdV -W" 2>&1 | grep -v '^ *$' | sed -n '/Summary/,$p'
  python3 - "$OUT/$name.json" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
scan = next(x for x in rs if x["command"] == "scanelf")
# The mean and the median side by side: on a virtual machine a run whose fresh memory the host has to back
# first can take twice the others, and a few such runs move the mean but not the median.
print(f"  {'':<13} {'wall':>9} {'± sd':>7} {'median':>9} {'user':>9} {'system':>9}   wall vs scanelf (mean, median)")
for x in rs:
    print(f"  {x['command']:<13} {x['mean']*1000:7.1f}ms {x['stddev']*1000:5.1f}ms {x['median']*1000:7.1f}ms "
          f"{x['user']*1000:7.1f}ms {x['system']*1000:7.1f}ms   {x['mean']/scan['mean']:5.2f}x "
          f"{x['median']/scan['median']:5.2f}x")
PY
  local mem="static-build $(peak_kb "$SB" inspect --output /dev/null "$dir"), glibc build $(peak_kb "$GNU" inspect --output /dev/null "$dir")"
  [ -n "${BEFORE:-}" ] && mem="$mem, before $(peak_kb "$BEFORE" inspect --output /dev/null "$dir")"
  echo "  peak memory (KiB): $mem," \
       "scanelf $(peak_kb scanelf -R -q -a "$dir")," \
       "readelf $(peak_kb xargs -d '\n' -a "$OUT/$name.files" readelf -lhdV -W)"
}

# Instruction counts (callgrind) are repeatable whatever else the machine does; wall times are not.
instructions() {
  local log
  log=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true)
  sed -n 's/.*I *refs: *//p' <<<"$log" | tr -d ,
}
if command -v valgrind >/dev/null; then
  # scanelf cannot be counted this way: its seccomp sandbox stops it under valgrind.
  # One thread (--jobs 1), so that the count does not depend on how the files were shared out.
  echo "## static-build user-space instructions over the corpus (callgrind, one thread; repeatable, system calls not counted)"
  n=$(find "$(readlink -f target/corpus)" -type f | wc -l)
  sb_i=$(instructions "$SB" inspect --jobs 1 --output /dev/null target/corpus)
  echo "  static-build: $sb_i instructions for $n files: $((sb_i / n)) per file"
  if [ -n "${BEFORE:-}" ]; then
    # An older build may not know --jobs (it used one thread).
    b_i=$(instructions "$BEFORE" inspect --output /dev/null target/corpus)
    echo "  before:       $b_i instructions for $n files: $((b_i / n)) per file"
  fi
fi

bench_dir corpus target/corpus
bench_dir usr-lib /usr/lib/x86_64-linux-gnu
bench_dir usr-bin /usr/bin

echo
echo "## verdict cost on a sparse 4 GiB file (same binary, real size vs padded with a hole)"
cp target/fixtures/go-static "$OUT/real"
cp target/fixtures/go-static "$OUT/sparse-4g"
truncate -s 4G "$OUT/sparse-4g"
echo "sizes: $(stat -c '%n %s' "$OUT/real" "$OUT/sparse-4g" | tr '\n' ' ')"
hyperfine --warmup 3 --runs 30 --ignore-failure --export-json "$OUT/sparse.json" --style basic \
  -n real "$SB inspect --format json --output /dev/null $OUT/real" \
  -n sparse-4g "$SB inspect --format json --output /dev/null $OUT/sparse-4g" 2>&1 | sed -n '/Summary/,$p'
python3 - "$OUT/sparse.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"  real {r['real']*1000:.2f} ms, sparse 4 GiB {r['sparse-4g']*1000:.2f} ms: ratio {r['sparse-4g']/r['real']:.2f}")
PY
echo "  peak memory (KiB): real $(peak_kb "$SB" inspect --format json --output /dev/null "$OUT/real"), sparse 4 GiB $(peak_kb "$SB" inspect --format json --output /dev/null "$OUT/sparse-4g")"
rm -f "$OUT/sparse-4g"
