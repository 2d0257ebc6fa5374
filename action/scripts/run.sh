#!/usr/bin/env bash
# The action's build step: runs `static-build build` with the action's inputs as flags, or, when the
# `reports` input is set, merges those JSON reports and publishes the result (the last job of a matrix).
# `run.sh key` is the step before it: with the `cache` input on, the CI cache key of the build's caches
# (`static-build cache key` with the same project flags), the cache directory and whether to save it, as
# the step's outputs for actions/cache/restore and actions/cache/save.
#
# Inputs come only from the environment (INPUT_*, mapped explicitly in action.yml); each non-empty input
# becomes one flag, an empty one passes nothing so that static-build.toml or the default applies. List inputs
# are split on newlines, commas and spaces (`reports` on newlines only). The token stays in
# STATIC_BUILD_TOKEN: it is never an argument and never printed. static-build writes the step's outputs
# (report, binaries, static, verdict) to GITHUB_OUTPUT itself.
set -euo pipefail

# shellcheck disable=SC2034 # read by fail() in common.sh: an error of this step exits 2, as static-build does
FAIL_STATUS=2
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bin=${STATIC_BUILD_BIN:-}
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  bin=$(command -v static-build 2>/dev/null) || fail "the static-build binary is missing: the install step did not put it on PATH."
fi

args=()
# value FLAG INPUT: --FLAG=VALUE when the input is not empty.
value() {
  local v
  v=$(trim "$2")
  [ -z "$v" ] || args+=("--$1=$v")
}
# list FLAG INPUT: one --FLAG=ITEM per item (items separated by newlines, commas or spaces; no globbing).
list() {
  local -a items=()
  local item
  IFS=$' \t\r\n,' read -r -d '' -a items <<<"$2" || true
  for item in "${items[@]}"; do
    [ -z "$item" ] || args+=("--$1=$item")
  done
}
# boolean FLAG INPUT: --FLAG=true|false when set.
boolean() {
  local v
  v=$(trim "$2")
  case $v in
    "") ;;
    true | True | TRUE) args+=("--$1=true") ;;
    false | False | FALSE) args+=("--$1=false") ;;
    *) fail "input $1 must be true or false, not '$v'." ;;
  esac
}
# switch FLAG INPUT: --FLAG when the input is true.
switch() {
  local v
  v=$(trim "$2")
  case $v in
    "" | false | False | FALSE) ;;
    true | True | TRUE) args+=("--$1") ;;
    *) fail "input $1 must be true or false, not '$v'." ;;
  esac
}
ci_flags() {
  boolean annotate "${INPUT_ANNOTATE:-}"
  boolean summary "${INPUT_SUMMARY:-}"
  boolean comment "${INPUT_COMMENT:-}"
  boolean check "${INPUT_CHECK:-}"
  value base-report "${INPUT_BASE_REPORT:-}"
  value base-artifact "${INPUT_BASE_ARTIFACT:-}"
  value comment-key "${INPUT_COMMENT_KEY:-}"
  value pull-request "${INPUT_PULL_REQUEST:-}"
  value sha "${INPUT_SHA:-}"
}
# expand PATTERN: its matches in `matches`, globbed without word splitting (a path with spaces stays one).
expand() {
  local IFS=
  # shellcheck disable=SC2206 # globbing is the point
  matches=($1)
}
show() {
  local line="running:"
  local a
  for a in "$@"; do line+=" $(printf '%q' "$a")"; done
  say "$line"
}

dir=$(trim "${INPUT_PATH:-}")
dir=${dir:-.}

# The flags that decide the plan (and so the cache volumes and the cache key).
project_flags() {
  value config "${INPUT_CONFIG:-}"
  value preset "${INPUT_PRESET:-}"
  list target "${INPUT_TARGETS:-}"
  list image "${INPUT_IMAGE:-}"
  value package-manager "${INPUT_PACKAGE_MANAGER:-}"
  value cross "${INPUT_CROSS:-}"
  list package "${INPUT_PACKAGES:-}"
  value command "${INPUT_COMMAND:-}"
  value out-dir "${INPUT_OUT_DIR:-}"
}

if [ "${1:-}" = key ]; then
  # No cache for a merge of reports (nothing is built), nor with `cache: false`.
  cache=$(trim "${INPUT_CACHE:-true}")
  case $cache in
    "" | true | True | TRUE) cache=true ;;
    false | False | FALSE) cache=false ;;
    *) fail "input cache must be true or false, not '$cache'." ;;
  esac
  if [ "$cache" = false ] || [ -n "$(trim "${INPUT_REPORTS:-}")" ]; then
    say "cache: off"
    exit 0
  fi
  # Saved by default except for a pull request's code, which nobody may have reviewed: what it leaves in
  # the caches is not passed on (GitHub keeps a pull request's cache entries to itself; some Gitea and
  # Forgejo cache servers do not).
  save=$(trim "${INPUT_SAVE_CACHE:-}")
  case $save in
    "") case ${GITHUB_EVENT_NAME:-} in pull_request*) save=false ;; *) save=true ;; esac ;;
    true | True | TRUE) save=true ;;
    false | False | FALSE) save=false ;;
    *) fail "input save-cache must be true or false, not '$save'." ;;
  esac
  args=(cache key)
  project_flags
  value extra "${INPUT_CACHE_KEY:-}"
  keys=$("$bin" "${args[@]}" -- "$dir") || fail "static-build cache key failed (its error is above)."
  if [ -z "$keys" ]; then
    say "cache: off (the configuration turns caching off)"
    exit 0
  fi
  cache_dir=${RUNNER_TEMP:-/tmp}/static-build-cache
  {
    printf '%s\n' "$keys"
    printf 'dir=%s\n' "$cache_dir"
    printf 'save=%s\n' "$save"
  } >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
  say "cache: $(printf '%s' "$keys" | tr '\n' ' ')(directory $cache_dir, saved after the build: $save)"
  exit 0
fi

if [ -n "$(trim "${INPUT_REPORTS:-}")" ]; then
  # Merge the reports of a matrix and publish the result; nothing is built.
  out_dir=$(trim "${INPUT_OUT_DIR:-}")
  merged=${out_dir:-out}/static-build-report.json
  [ "$dir" = . ] || merged=$dir/$merged
  files=()
  shopt -s nullglob globstar
  while IFS= read -r pattern || [ -n "$pattern" ]; do
    pattern=$(trim "$pattern")
    [ -n "$pattern" ] || continue
    expand "$pattern"
    [ ${#matches[@]} -gt 0 ] || fail "reports: no file matches '$pattern'."
    for m in "${matches[@]}"; do
      [ "$m" -ef "$merged" ] 2>/dev/null || files+=("$m")
    done
  done <<<"$INPUT_REPORTS"
  shopt -u nullglob globstar
  [ ${#files[@]} -gt 0 ] || fail "reports: no report to merge."
  mkdir -p "$(dirname "$merged")"
  show static-build report merge -o "$merged" "${files[@]}"
  "$bin" report merge -o "$merged" -- "${files[@]}"
  args=(report publish)
  value config "${INPUT_CONFIG:-}"
  ci_flags
  show static-build "${args[@]}" "$merged"
  exec "$bin" "${args[@]}" -- "$merged"
fi

args=(build)
project_flags
value network "${INPUT_NETWORK:-}"
value timeout "${INPUT_TIMEOUT:-}"
# verify: the arguments as one string (split by static-build as a shell would); `true` for none.
verify=$(trim "${INPUT_VERIFY:-}")
case $verify in
  "") ;;
  true | True | TRUE) args+=("--verify=") ;;
  *) args+=("--verify=$verify") ;;
esac
value jobs "${INPUT_JOBS:-}"
value memory "${INPUT_MEMORY:-}"
value cpus "${INPUT_CPUS:-}"
value policy "${INPUT_POLICY:-}"
switch allow-dynamic "${INPUT_ALLOW_DYNAMIC:-}"
list allow-needed "${INPUT_ALLOW_NEEDED:-}"
value max-glibc "${INPUT_MAX_GLIBC:-}"
list expect-arch "${INPUT_EXPECT_ARCH:-}"
list require "${INPUT_REQUIRE:-}"
list rule "${INPUT_RULE:-}"
value fail-on "${INPUT_FAIL_ON:-}"
value cache-max-size "${INPUT_CACHE_MAX_SIZE:-}"
ci_flags
# The cache directory that actions/cache/restore filled (when the key step ran), and written back when it
# is to be saved and the restore did not find this very key (then there is nothing new to save).
cache_dir=$(trim "${INPUT_CACHE_DIR:-}")
if [ -n "$cache_dir" ]; then
  args+=("--cache-import=$cache_dir")
  if [ "$(trim "${INPUT_CACHE_SAVE:-}")" = true ]; then
    args+=("--cache-export=$cache_dir")
  fi
fi
show static-build "${args[@]}" "$dir"
exec "$bin" "${args[@]}" -- "$dir"
