#!/bin/sh
# Runs the issue-12 grid (RAM 1/4/16 GiB x dirty 0/100/1000 MB/s x link 1/10 Gb/s, uncontended) and the
# competing-traffic cases, writing results/simgrid.csv with each command line in a comment column.
# Usage: tools/simgrid-migration/run.sh   (builds ./migrate first; about a minute of wall time)
set -e
cd "$(dirname "$0")"
./build.sh
out=results/simgrid.csv
mkdir -p results
printf 'ram_gib,dirty_mbps,link_gbps,wss_gib,compete,sharing,latency_us,total_s,downtime_s,rounds,bytes_sent,stage1_s,outcome,command\n' > "$out"
run() {
  line=$(./migrate "$@" 2>/dev/null)
  printf '%s,"./migrate %s"\n' "$line" "$*" >> "$out"
}
for ram in 1 4 16; do
  for dirty in 0 100 1000; do
    for link in 1 10; do
      run "$ram" "$dirty" "$link"
    done
  done
done
# Competing traffic: an endless bulk flow between the same two hosts during the whole migration.
run 4 100 10 --compete fwd
run 4 100 10 --compete rev
run 4 100 10 --compete rev --sharing shared
run 4 100 1 --compete fwd
cat "$out"
