#!/usr/bin/env bash
# Real-OVS verdicts for the rule/packet fuzz suite (tests/Actors.Network.Tests/Fuzz):
# reads tests/ovs-corpus/fuzz/cases.tsv (written by the mutator, see docs/ovs-corpus.md),
# loads every rule into a private sandbox bridge (ports 1-4) with `ovs-ofctl add-flows`,
# records what `dump-flows` shows or the error, traces every packet, and writes
# tests/ovs-corpus/fuzz/expected.tsv.
#
# usage: tools/ovs-oracle/fuzz-oracle.sh [--out FILE]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DIR=$REPO/tests/ovs-corpus/fuzz
OUT=$DIR/expected.tsv
[[ ${1:-} == --out ]] && OUT=$2
command -v ovs-vswitchd >/dev/null || { echo "fuzz-oracle: ovs-vswitchd not installed (apt-get install openvswitch-switch)" >&2; exit 2; }
# shellcheck source=sandbox.sh
source "$HERE/sandbox.sh"
trap sb_stop EXIT
sb_start "$DIR/ports.txt" 2>/dev/null
SB=$SB BR=$BR APPCTL=$APPCTL python3 "$HERE/fuzz_oracle.py" "$DIR/cases.tsv" "$OUT"
