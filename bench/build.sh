#!/usr/bin/env bash
# Build benchmark, side by side in one run (hyperfine, wall time):
#   1. cold vs warm build of the cgo example (cache volumes removed before every cold run);
#   2. static-build vs the hand-written `docker run ... build_static.sh` it replaces (same image, same
#      commands, cold caches for both);
#   3. three targets (amd64, 386, arm64 under QEMU) in parallel vs one after another, warm;
#   4. foreign targets cross-compiled vs emulated under QEMU (arm64, armv7), cold and warm, against the native
#      amd64 build, for the cgo example and the pure Go example (cross: the amd64 builder image with apt's
#      cross toolchain; emulated: the target's builder image). "Cold" is without cache volumes; the installed
#      packages (static-build-env images) are kept, so the compilers are what is measured;
#   5. the Rust release build (release/static-build.toml: LTO, one codegen unit) for arm64 cross-compiled vs
#      emulated, cold and warm, against amd64 (images of scripts/release-builder-image.sh: cross is the amd64
#      image with the aarch64-unknown-linux-musl standard library and apt's cross C toolchain, emulated is an
#      arm64 image with rustup's aarch64 toolchain under QEMU). Long: the emulated cold build takes tens of
#      minutes, so it runs RUST_RUNS times (default 1), and not unless asked (SECTIONS="5"). armv7 cannot be
#      measured on these machines: their rustup mirror serves no armv7 toolchain and no armv7 musl std.
#
#   bench/build.sh          (after scripts/docker.sh, scripts/qemu.sh and scripts/builder-images.sh)
#   SECTIONS="4" bench/build.sh     only some sections (TEMPS="warm": sections 4 and 5 warm only)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
command -v hyperfine >/dev/null || { echo "hyperfine missing: run scripts/setup.sh" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "no Docker engine: run scripts/docker.sh" >&2; exit 2; }
cargo build --release -q -p static-build
SB=$PWD/target/release/static-build
A=$(scripts/builder-images.sh amd64 | cut -d' ' -f2)
B=$(scripts/builder-images.sh 386 | cut -d' ' -f2)
C=$(scripts/builder-images.sh arm64 | cut -d' ' -f2)
SECTIONS=${SECTIONS:-1 2 3 4}  # 5 only when asked
want() { [[ " $SECTIONS " == *" $1 "* ]]; }
WORK=$PWD/target/bench/build
rm -rf "$WORK" && mkdir -p "$WORK" && cp -r examples/go-cgo-zlib "$WORK/project"
P=$WORK/project
COMMON="--image amd64=$A --image 386=$B --image arm64=$C --package-manager none"
drop_caches='docker volume ls -q --filter name=static-build-cache_ | xargs -r docker volume rm -f >/dev/null'

# The hand-written equivalent: bind-mount the project, run the same go build as root.
cat >"$P/build_static.sh" <<'SH'
#!/bin/sh
set -eu
cd /mnt
CGO_ENABLED=1 GOFLAGS=-buildvcs=false go build -trimpath -tags netgo,osusergo \
  -ldflags '-linkmode external -extldflags "-static"' -o out/go-cgo-zlib-amd64 .
SH
chmod +x "$P/build_static.sh"

if want 1; then
echo "## 1. cold vs warm (amd64)"
hyperfine --runs "$RUNS" --style basic --export-json "$WORK/warm.json" \
  -n cold --prepare "$drop_caches" "$SB build $P -t amd64 $COMMON" \
  -n warm --prepare "true" "$SB build $P -t amd64 $COMMON" 2>&1 | sed -n '/Summary/,$p'

fi

if want 2; then
echo
echo "## 2. static-build vs hand-written docker run (amd64, cold)"
hyperfine --runs "$RUNS" --style basic --export-json "$WORK/vs.json" \
  -n static-build --prepare "$drop_caches" "$SB build $P -t amd64 $COMMON" \
  -n docker-run "docker run --rm -v $P:/mnt $A /mnt/build_static.sh" 2>&1 | sed -n '/Summary/,$p'

fi

if want 3; then
echo
echo "## 3. three targets in parallel vs one after another (warm)"
"$SB" build "$P" -t amd64 -t 386 -t arm64 $COMMON >/dev/null 2>&1 || true
hyperfine --runs "$RUNS" --style basic --export-json "$WORK/par.json" \
  -n parallel "$SB build $P -t amd64 -t 386 -t arm64 --jobs 3 $COMMON" \
  -n serial "$SB build $P -t amd64 -t 386 -t arm64 --jobs 1 $COMMON" 2>&1 | sed -n '/Summary/,$p'

fi

if want 4; then
  D=$(scripts/builder-images.sh armv7 | cut -d' ' -f2)
  for example in go-cgo-zlib go-pure; do
    E=$WORK/$example
    rm -rf "$E" && cp -r "examples/$example" "$E"
    native="$SB build $E -t amd64 --image amd64=$A --package-manager apt"
    cross() { echo "$SB build $E -t $1 --image $1=$A --package-manager apt --cross always"; }
    emulated() { echo "$SB build $E -t $1 --image $1=$2 --package-manager none --cross emulate"; }
    # Install each mode's packages once (kept as static-build-env images), outside the measurement.
    for c in "$native" "$(cross arm64)" "$(cross armv7)" "$(emulated arm64 "$C")" "$(emulated armv7 "$D")"; do
      $c >/dev/null 2>&1 || { echo "failed: $c" >&2; exit 1; }
    done
    for temp in ${TEMPS:-cold warm}; do
      echo
      echo "## 4. $example, $temp: cross-compiled vs emulated, against amd64"
      # Warm: one run first, so that each command finds its own caches (a cold run removed the others').
      if [ "$temp" = cold ]; then prepare=$drop_caches warmup=0; else prepare=true warmup=1; fi
      hyperfine --runs "$RUNS" --warmup "$warmup" --style basic --export-json "$WORK/cross-$example-$temp.json" --prepare "$prepare" \
        -n "amd64 native" "$native" \
        -n "arm64 cross" "$(cross arm64)" \
        -n "arm64 emulated" "$(emulated arm64 "$C")" \
        -n "armv7 cross" "$(cross armv7)" \
        -n "armv7 emulated" "$(emulated armv7 "$D")" 2>&1 | sed -n '/Summary/,$p'
    done
  done
fi

if want 5; then
  RA=$(scripts/release-builder-image.sh amd64 | cut -d' ' -f2)
  RX=$(scripts/release-builder-image.sh amd64 --std aarch64-unknown-linux-musl | cut -d' ' -f2)
  RE=$(scripts/release-builder-image.sh arm64 | cut -d' ' -f2)
  R=$WORK/static-build
  rm -rf "$R" && mkdir -p "$R" && git archive HEAD | tar -x -C "$R"
  rel() { echo "$SB build $R --config $R/release/static-build.toml --timeout 14400 $*"; }
  native=$(rel -t amd64 --image "amd64=$RA" --package-manager none)
  cross=$(rel -t arm64 --image "arm64=$RX" --package-manager apt --cross always)
  emulated=$(rel -t arm64 --image "arm64=$RE" --package-manager none --cross emulate)
  # The cross build's apt install (crossbuild-essential-arm64), kept as a static-build-env image, outside the
  # measurement; the other two install nothing.
  $cross >"$WORK/cross-install.log" 2>&1 || { tail -n 30 "$WORK/cross-install.log" >&2; echo "failed: $cross" >&2; exit 1; }
  for temp in ${TEMPS:-cold warm}; do
    echo
    echo "## 5. the Rust release build, $temp: arm64 cross-compiled vs emulated, against amd64"
    if [ "$temp" = cold ]; then prepare=$drop_caches warmup=0; else prepare=true warmup=1; fi
    hyperfine --runs "${RUST_RUNS:-1}" --warmup "$warmup" --style basic --export-json "$WORK/cross-release-$temp.json" --prepare "$prepare" \
      -n "amd64 native" "$native" \
      -n "arm64 cross" "$cross" \
      -n "arm64 emulated" "$emulated" 2>&1 | sed -n '/Summary/,$p'
  done
  "$SB" inspect --expect-arch arm64 --fail-on error "$R/target/release-assets/static-build-linux-arm64" >/dev/null \
    || { echo "the arm64 release asset is not a static arm64 executable" >&2; exit 1; }
fi

echo
echo "## means (seconds)"
python3 - "$WORK" <<'PY'
import json, os, sys
for name in ["warm", "vs", "par"]:
    path = f"{sys.argv[1]}/{name}.json"
    if os.path.exists(path):
        for r in json.load(open(path))["results"]:
            print(f"  {r['command'][:60]:<60} {r['mean']:7.2f} ± {r['stddev']:.2f}")
for example in ["go-cgo-zlib", "go-pure", "release"]:
    for temp in ["cold", "warm"]:
        path = f"{sys.argv[1]}/cross-{example}-{temp}.json"
        if not os.path.exists(path):
            continue
        m = {r["command"]: r["mean"] for r in json.load(open(path))["results"]}
        print(f"  {example} {temp}: amd64 {m['amd64 native']:.1f} s")
        for arch in ["arm64", "armv7"]:
            if f"{arch} cross" not in m:
                continue
            c, e = m[f"{arch} cross"], m[f"{arch} emulated"]
            print(f"    {arch}: cross {c:6.1f} s, emulated {e:6.1f} s: cross {e / c:4.1f}x faster, {c / m['amd64 native']:4.2f}x amd64")
PY
