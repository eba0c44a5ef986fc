#!/usr/bin/env bash
# Replay oracle for the flow caches: sends every packet of a corpus as a real frame through a
# private OVS sandbox (userspace datapath, exact-match cache insertion always) and records the
# cache counters and the installed megaflows in tests/ovs-corpus/<name>/replay-expected.json.
#
#   per packet: ovs-ofctl compose-packet FLOW (the packet line without in_port=N)
#               ovs-appctl netdev-dummy/receive pN HEX
#               ovs-appctl dpif-netdev/pmd-stats-show  (the counter that moved = where it hit)
#   at the end: dpif-netdev/pmd-stats-show totals, dpctl/dump-flows -m and dpctl/dump-flows
#
# usage: tools/ovs-oracle/replay.sh [--out DIR] [CORPUS...]     (default corpora: acl l2-normal)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CORPUS_ROOT=$REPO/tests/ovs-corpus
OUT=
names=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
[[ ${#names[@]} -gt 0 ]] || names=(acl l2-normal)
command -v ovs-vswitchd >/dev/null || { echo "replay: ovs-vswitchd not installed (apt-get install openvswitch-switch)" >&2; exit 2; }
# shellcheck source=sandbox.sh
source "$HERE/sandbox.sh"
trap sb_stop EXIT

hex_of() {  # compose-packet prints a hex dump: keep only the bytes
  ovs-ofctl compose-packet "$1" | sed -E 's/^[0-9a-f]{8}  //; s/\|.*$//; s/[- ]//g' | tr -d '\n'
}

for name in "${names[@]}"; do
  dir=$CORPUS_ROOT/$name
  dest=${OUT:+$OUT/$name}; dest=${dest:-$dir}
  mkdir -p "$dest"
  sb_start "$dir/ports.txt"
  # exact-match insertion always; no signature-match cache (the default); megaflows never idle out
  $VSCTL set Open_vSwitch . other_config:emc-insert-inv-prob=1 other_config:smc-enable=false other_config:max-idle=3600000
  read -r -a ofopts <<< "$(sb_ofctl_opts "$dir")"
  ovs-ofctl "${ofopts[@]}" add-flows "$BR" "$dir/rules.txt"
  $APPCTL dpif-netdev/pmd-stats-clear >/dev/null
  work=$SB/replay
  mkdir -p "$work"
  : > "$work/steps"
  n=0
  while IFS= read -r pkt; do
    port=$(sed -nE 's/(^|,)in_port=([0-9]+)(,|$).*/\2/p' <<< "$pkt")
    flow=$(sed -E 's/(^|,)in_port=[0-9]+(,|$)/\1/; s/^,//; s/,$//' <<< "$pkt")
    [[ -n "$port" ]] || { echo "replay: $name: packet without in_port: $pkt" >&2; exit 1; }
    iface=$(awk -v p="$port" '!/^#/ && NF && $1==p {print ($2==""?"p"$1:$2)}' "$dir/ports.txt")
    n=$((n+1))
    if [[ -z "$iface" ]]; then
      # no such port in the sandbox: a real frame cannot arrive there
      printf '### %d skipped %s\n' "$n" "$pkt" >> "$work/steps"
      continue
    fi
    $APPCTL netdev-dummy/receive "$iface" "$(hex_of "$flow")" >/dev/null
    printf '### %d %s %s\n' "$n" "$iface" "$pkt" >> "$work/steps"
    $APPCTL dpif-netdev/pmd-stats-show >> "$work/steps"
  done < <(sb_packets "$dir/packets.txt")
  $APPCTL dpif-netdev/pmd-stats-show > "$work/stats"
  $APPCTL dpctl/dump-flows -m > "$work/flows-m"
  $APPCTL dpctl/dump-flows > "$work/flows"
  $APPCTL fdb/show br0 > "$work/fdb" 2>/dev/null || true
  python3 "$HERE/replay_parse.py" "$work" "$name" "$(head -1 <(ovs-vswitchd --version))" > "$dest/replay-expected.json"
  sb_stop
  echo "replay: $name: $n packets -> ${dest#$REPO/}/replay-expected.json"
done
