#!/usr/bin/env bash
# Real-OVS oracle: for every corpus tests/ovs-corpus/<name>/ (rules.txt, packets.txt,
# ports.txt, optional protocol.txt) start a private OVS sandbox, load the rules, run
# `ofproto/trace` for every packet and write the golden files:
#   expected.jsonl  one JSON object per packet: packet, datapath_actions, megaflow, tables
#   traces.txt      the raw ofproto/trace output, one block per packet
#   dp-ports.txt    datapath port numbers of the bridge's ports (from dpif/show)
#   flows.txt       the rules as OVS reports them (ovs-ofctl dump-flows, counters removed)
# and tests/ovs-corpus/OVS_VERSION.
#
# usage: tools/ovs-oracle/ovs-oracle.sh [--out DIR] [CORPUS...]
#   --out DIR   write DIR/<name>/... instead of into the corpus folders (used by ci-check.sh)
#   CORPUS      corpus names (default: every folder of tests/ovs-corpus with a rules.txt)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CORPUS_ROOT=$REPO/tests/ovs-corpus
OUT=
names=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [[ ${#names[@]} -eq 0 ]]; then
  for d in "$CORPUS_ROOT"/*/; do [[ -f "$d/rules.txt" ]] && names+=("$(basename "$d")"); done
fi
command -v ovs-vswitchd >/dev/null || { echo "ovs-oracle: ovs-vswitchd not installed (apt-get install openvswitch-switch)" >&2; exit 2; }
# shellcheck source=sandbox.sh
source "$HERE/sandbox.sh"
trap sb_stop EXIT

version_root=${OUT:-$CORPUS_ROOT}
mkdir -p "$version_root"
ovs-vswitchd --version | head -1 > "$version_root/OVS_VERSION"

for name in "${names[@]}"; do
  dir=$CORPUS_ROOT/$name
  dest=${OUT:+$OUT/$name}; dest=${dest:-$dir}
  mkdir -p "$dest"
  [[ -f "$dir/rules.txt" && -f "$dir/packets.txt" && -f "$dir/ports.txt" ]] || { echo "ovs-oracle: $dir needs rules.txt, packets.txt, ports.txt" >&2; exit 1; }
  sb_start "$dir/ports.txt"
  read -r -a ofopts <<< "$(sb_ofctl_opts "$dir")"
  ovs-ofctl "${ofopts[@]}" add-flows "$BR" "$dir/rules.txt"
  ovs-ofctl "${ofopts[@]}" --no-stats --sort dump-flows "$BR" > "$dest/flows.txt"
  # dp-ports.txt: name, OpenFlow port, datapath port
  {
    echo "# name ofport dp_port   (from ovs-appctl dpif/show; LOCAL is the bridge's internal port)"
    $APPCTL dpif/show | awk '/^    /{split($2,a,"/"); sub(/:$/,"",a[2]); o=a[1]; if (o=="65534") o="LOCAL"; printf "%s %s %s\n", $1, o, a[2]}'
  } > "$dest/dp-ports.txt"
  raw=$SB/traces.txt
  : > "$raw"
  n=0
  while IFS= read -r pkt; do
    printf '### packet: %s\n' "$pkt" >> "$raw"
    $APPCTL ofproto/trace br0 "$pkt" >> "$raw" 2>&1 || { echo "ovs-oracle: $name: trace failed for: $pkt" >&2; tail -3 "$raw" >&2; exit 1; }
    printf '\n' >> "$raw"
    n=$((n+1))
  done < <(sb_packets "$dir/packets.txt")
  cp "$raw" "$dest/traces.txt"
  python3 "$HERE/parse_trace.py" "$raw" > "$dest/expected.jsonl"
  sb_stop
  echo "ovs-oracle: $name: $n packets -> ${dest#$REPO/}/expected.jsonl"
done
