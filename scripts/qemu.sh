#!/usr/bin/env bash
# Registers QEMU user emulation for foreign architectures (binfmt_misc, F flag, so images need no qemu
# inside). Idempotent. What docker/setup-qemu-action does on GitHub.
set -euo pipefail
SB_NAME=qemu
. "$(dirname "$0")/lib.sh"

if ! command -v update-binfmts >/dev/null 2>&1 || [ ! -e /usr/bin/qemu-aarch64-static ]; then
  apt_install qemu-user-static binfmt-support
fi
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
fi
for q in qemu-aarch64 qemu-arm; do
  [ -e "/proc/sys/fs/binfmt_misc/$q" ] || update-binfmts --enable "$q" >/dev/null 2>&1 || die "cannot enable $q"
done
grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 is registered without the F flag"
log "aarch64 and arm emulation registered"
