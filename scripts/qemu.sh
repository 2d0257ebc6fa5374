#!/usr/bin/env bash
# Registers QEMU user emulation for foreign architectures (binfmt_misc, F flag, so images need no qemu
# inside). Idempotent. What docker/setup-qemu-action does on GitHub.
set -euo pipefail
say() { printf 'qemu: %s\n' "$*"; }
die() { echo "qemu: ERROR: $*" >&2; exit 1; }

if ! command -v update-binfmts >/dev/null 2>&1 || [ ! -e /usr/bin/qemu-aarch64-static ]; then
  say "installing qemu-user-static and binfmt-support"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends qemu-user-static binfmt-support >/dev/null \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends qemu-user-static binfmt-support >/dev/null; } \
    || die "cannot install qemu-user-static"
fi
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
fi
for q in qemu-aarch64 qemu-arm; do
  [ -e "/proc/sys/fs/binfmt_misc/$q" ] || update-binfmts --enable "$q" >/dev/null 2>&1 || die "cannot enable $q"
done
grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 is registered without the F flag"
say "aarch64 and arm emulation registered"
