#!/usr/bin/env bash
# CI drift check for the OVS corpus: installs Open vSwitch if it can (Debian package
# openvswitch-switch), regenerates every golden file of tests/ovs-corpus into a temp dir with
# the live OVS (ovs-oracle.sh, replay.sh) and compares them with the checked-in ones
# (golden_diff.py; the order of flooded output ports is not drift).
#
# Exit 0: same results, or OVS could not be installed (SKIP), or the installed OVS version is
#         not the one the golden files were made with (WARNING with the differences; regenerate
#         deliberately with tools/ovs-oracle/ovs-oracle.sh and replay.sh).
# Exit 1: the same OVS version now gives different results than the golden files.
# Bounded: the whole check stops after OVS_CI_TIMEOUT seconds (default 170), plus
# OVS_FUZZ_TIMEOUT (default 180) for the fuzz verdicts (fuzz-oracle.sh --check; a timeout only warns).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROOT=$REPO/tests/ovs-corpus
LIMIT=${OVS_CI_TIMEOUT:-170}
START=$SECONDS
left() { echo $(( LIMIT - (SECONDS - START) )); }

if ! command -v ovs-vswitchd >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "ovs-ci: installing openvswitch-switch"
    export DEBIAN_FRONTEND=noninteractive
    timeout 60 apt-get install -y -q openvswitch-switch >/tmp/ovs-ci-apt.log 2>&1 \
      || { timeout 60 apt-get update -q >>/tmp/ovs-ci-apt.log 2>&1; timeout 60 apt-get install -y -q openvswitch-switch >>/tmp/ovs-ci-apt.log 2>&1; } \
      || true
  fi
fi
if ! command -v ovs-vswitchd >/dev/null 2>&1; then
  echo "ovs-ci: SKIP: Open vSwitch is not installed and could not be installed here; golden files not re-checked"
  exit 0
fi

# The rule/packet fuzz verdicts (tests/ovs-corpus/fuzz, docs/ovs-corpus.md), on their own time budget.
FUZZ_LIMIT=${OVS_FUZZ_TIMEOUT:-180}
timeout "$FUZZ_LIMIT" "$HERE/fuzz-oracle.sh" --check 2>&1 | sed 's/^/ovs-ci: /'
fuzz_rc=${PIPESTATUS[0]}
[[ $fuzz_rc -eq 124 ]] && { echo "ovs-ci: WARNING: fuzz verdict check did not finish within ${FUZZ_LIMIT}s; not checked"; fuzz_rc=0; }
START=$SECONDS
finish() { if [[ $fuzz_rc -ne 0 ]]; then echo "ovs-ci: FAIL: live OVS gives other fuzz verdicts (above)"; exit 1; fi; exit "$1"; }

FRESH=$(mktemp -d "${TMPDIR:-/tmp}/ovs-ci.XXXXXX")
trap 'rm -rf "$FRESH"' EXIT
live=$(ovs-vswitchd --version | head -1)
golden=$(cat "$ROOT/OVS_VERSION" 2>/dev/null || echo unknown)
echo "ovs-ci: live OVS: $live; golden files made with: $golden"

if ! timeout "$(left)" "$HERE/ovs-oracle.sh" --out "$FRESH" > "$FRESH.log" 2>&1; then
  cat "$FRESH.log"; rm -f "$FRESH.log"
  echo "ovs-ci: FAIL: ovs-oracle.sh did not finish (limit ${LIMIT}s)"
  finish 1
fi
if ! timeout "$(left)" "$HERE/replay.sh" --out "$FRESH" >> "$FRESH.log" 2>&1; then
  cat "$FRESH.log"; rm -f "$FRESH.log"
  echo "ovs-ci: FAIL: replay.sh did not finish (limit ${LIMIT}s)"
  finish 1
fi
sed 's/^/  /' "$FRESH.log"; rm -f "$FRESH.log"

if python3 "$HERE/golden_diff.py" "$ROOT" "$FRESH"; then
  echo "ovs-ci: OK: live OVS reproduces every golden file ($(( SECONDS - START ))s)"
  finish 0
fi
if [[ "$live" != "$golden" ]]; then
  echo "ovs-ci: WARNING: OVS $live differs from the golden files made with $golden (listed above);"
  echo "ovs-ci: regenerate with tools/ovs-oracle/ovs-oracle.sh && tools/ovs-oracle/replay.sh and review the diff"
  finish 0
fi
echo "ovs-ci: FAIL: the same OVS version ($live) gives results different from the golden files (listed above)"
finish 1
