#!/bin/bash
# DcSim's live migrations in full runs against SimGrid's plugin (tools/simgrid-migration), and OVS vs SR-IOV migration.
# Usage: tools/migration-vs-simgrid/run.sh OUT [grid.py options: --only RAM,DIRTY,LINK[,COMPETE] ... --no-contended
#        --no-matched --no-nominal]
# Builds the Runner once in Release (unless it is there), runs every case of tools/simgrid-migration/results/simgrid.csv
# (grid.py: OUT/scenarios, OUT/runs, OUT/dcsim.csv), joins them with SimGrid's (compare.py: OUT/table.md), then the
# two scenarios config/scenarios/migration-{ovs,sriov}.conf (ovs_sriov.py: OUT/ovs-sriov.{csv,md}).
# Wall time: 45 minutes measured on a shared 2-core machine (load ~40), the 16 GiB cells taking most of it (16 GiB at
# 100 MB/s on 1 Gb/s sends 114 GB, 79 M TCP segments: 324 s); the OVS and SR-IOV scenarios about 18 s each.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUT [grid.py options]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$1
shift
dcsim=$root/src/Runner/bin/Release/net10.0/dcsim
if [ ! -x "$dcsim" ]; then
  dotnet build "$root/src/Runner" -c Release 2>&1 | grep -E 'error|Elapsed' || true
fi
mkdir -p "$out"
python3 "$here/grid.py" "$dcsim" "$out" "$@"
python3 "$here/compare.py" "$out"
python3 "$here/ovs_sriov.py" "$dcsim" "$out"
