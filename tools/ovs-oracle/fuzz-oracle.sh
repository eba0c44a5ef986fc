#!/usr/bin/env bash
# Real-OVS verdicts for the rule/packet fuzz suite (tests/Actors.Network.Tests/Fuzz):
# reads tests/ovs-corpus/fuzz/cases.tsv (written by the mutator, see docs/ovs-corpus.md),
# loads every rule into a private sandbox bridge (ports 1-4) with `ovs-ofctl add-flows`,
# records what `dump-flows` shows or the error, traces every packet, and writes
# tests/ovs-corpus/fuzz/expected.tsv.
#
# usage: tools/ovs-oracle/fuzz-oracle.sh [--out FILE | --check]
#   --out FILE  write FILE instead of expected.tsv
#   --check     CI drift check: regenerate into a temp file and compare with expected.tsv.
#               Exit 0: same verdicts, or no OVS (SKIP), or another OVS version (WARNING);
#               exit 1: the same OVS version gives other verdicts.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DIR=$REPO/tests/ovs-corpus/fuzz
OUT=$DIR/expected.tsv
CHECK=
case ${1:-} in
  --out) OUT=$2 ;;
  --check) CHECK=1; OUT=$(mktemp "${TMPDIR:-/tmp}/fuzz-expected.XXXXXX") ;;
esac
if ! command -v ovs-vswitchd >/dev/null; then
  [[ -n $CHECK ]] && { echo "fuzz-oracle: SKIP: Open vSwitch is not installed; fuzz verdicts not re-checked"; exit 0; }
  echo "fuzz-oracle: ovs-vswitchd not installed (apt-get install openvswitch-switch)" >&2; exit 2
fi
# shellcheck source=sandbox.sh
source "$HERE/sandbox.sh"
trap 'sb_stop; [[ -n $CHECK ]] && rm -f "$OUT"' EXIT
trap 'exit 143' TERM INT   # so that a timeout still stops the sandbox (EXIT trap)
sb_start "$DIR/ports.txt" 2>/dev/null
OVS_VERSION=$(ovs-vswitchd --version | head -1) SB=$SB BR=$BR APPCTL=$APPCTL python3 "$HERE/fuzz_oracle.py" "$DIR/cases.tsv" "$OUT"
[[ -z $CHECK ]] && exit 0

data() { grep -v '^#' "$1"; }
if diff <(data "$DIR/expected.tsv") <(data "$OUT") > "$OUT.diff"; then
  echo "fuzz-oracle: OK: live OVS gives every checked-in fuzz verdict"; rm -f "$OUT.diff"; exit 0
fi
head -40 "$OUT.diff"; rm -f "$OUT.diff"
if ! grep -qF "# OVS: $(ovs-vswitchd --version | head -1)" "$DIR/expected.tsv"; then
  echo "fuzz-oracle: WARNING: another OVS version than the one expected.tsv was made with; regenerate deliberately"; exit 0
fi
echo "fuzz-oracle: FAIL: the same OVS version gives other verdicts than expected.tsv"; exit 1
