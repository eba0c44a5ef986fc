#!/bin/sh
# Run the ns-3 side of issue 10's comparisons and write CSVs into DIR.
#   usage: tools/ns3-tcp/run.sh DIR [WEBSEARCH_SIM_TIME]
# DIR gets: runs.jsonl (every run's JSON line), single.csv, incast.csv, dctcp.csv, websearch.csv,
# websearch-flows.csv, traces (single-*-cwnd.csv, single-*-queue.csv, dctcp-*-queue.csv; <= 2000
# rows each) and timings.csv (wall seconds per sweep). Runs under `nice -n 5` (shared machine).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: run.sh DIR [WEBSEARCH_SIM_TIME]}
WS_TIME=${2:-0.01}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ -x "$HERE/tcp-peer" ] || "$HERE/build.sh"
PEER="nice -n 5 $HERE/tcp-peer"
: > "$OUT/runs.jsonl"
echo "sweep,wall_s" > "$OUT/timings.csv"

run() { # tag args... : one run, its JSON line tagged and appended to runs.jsonl
  tag=$1; shift
  printf '%s\n' "$tag" >&2
  $PEER "$@" | sed "s/^{/{\"tag\":\"$tag\",/" >> "$OUT/runs.jsonl"
}
timed() { # name command... : record the wall time of a sweep
  name=$1; shift
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  echo "$name,$(echo "$t1 - $t0" | bc)" >> "$OUT/timings.csv"
}

# (a) one long flow, host 0 on leaf 0 -> host 0 on leaf 1 over 1 spine.
#     a1: every link 10 Gb/s 1 us; a2: fabric 1 Gb/s, 100-packet switch queues (leaf 0's uplink is
#     the bottleneck). Framing ns3 (ns-3's own) and gap (DcSim's wire time per frame, exact).
single() {
  for cfg in a1 a2; do
    if [ $cfg = a1 ]; then FAB=10Gbps; DUR=0.5; else FAB=1Gbps; DUR=1; fi
    for cc in newreno cubic; do
      for fr in ns3 gap; do
        run "single-$cfg-$cc-$fr" --scenario=single --cc=$cc --framing=$fr --host-rate=10Gbps \
          --fabric-rate=$FAB --switch-queue=100 --host-queue=1000 --duration=$DUR --warmup=0.1 \
          --out="$OUT/single-$cfg-$cc-$fr"
      done
    done
  done
}

# (b) incast: N senders on one leaf answer the aggregator's 64 B request with 64 KiB each, 10 rounds,
#     100-packet switch queue, min RTO 200 ms and 1 ms; the 1 ms runs again without TCP timestamps
#     (ns-3 3.37 takes RTT samples from the timestamp echo at 1 ms granularity, see README).
incast() {
  for set in 200ms:1 1ms:1 1ms:0; do
    rto=${set%:*}; ts=${set#*:}
    for n in 1 2 4 8 12 16 24 32 48 64; do
      run "incast-$rto-ts$ts-$n" --scenario=incast --senders=$n --min-rto=$rto --timestamps=$ts \
        --switch-queue=100 --rounds=10 --request=64 --response=65536 --out="$OUT/incast"
    done
  done
}

# (c) DCTCP: N long flows into one port, ECN mark when >= K packets wait, g = 1/16.
dctcp() {
  for k in 20 65; do
    for n in 2 8; do
      run "dctcp-k$k-n$n" --scenario=dctcp --cc=dctcp --flows=$n --ecn-k=$k --switch-queue=100 \
        --duration=0.5 --warmup=0.1 --out="$OUT/dctcp-k$k-n$n"
    done
  done
}

# (d) web-search flows at 30 % load on the medium fabric (4 spines, 8 leaves, 16 hosts per leaf).
websearch() {
  run "websearch" --scenario=websearch --cc=newreno --spines=4 --leaves=8 --hosts-per-leaf=16 \
    --host-rate=10Gbps --fabric-rate=40Gbps --switch-queue=100 --host-queue=1000 --load=0.3 \
    --sim-time="$WS_TIME" --drain-cap=5 --cdf="$HERE/../../config/scenarios/cdf/websearch.txt" \
    --out="$OUT/websearch"
}

timed single single
timed incast incast
timed dctcp dctcp
timed websearch websearch
rm -f "$OUT/incast-cwnd.csv" "$OUT/incast-queue.csv"

python3 - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
runs = [json.loads(l) for l in open(f"{out}/runs.jsonl") if l.strip()]
def write(name, rows, cols):
    with open(f"{out}/{name}", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])
for r in runs:
    if r["scenario"] == "single":
        r["config"] = r["tag"].split("-")[1]
    if r["scenario"] == "dctcp":
        r["line_rate_fraction"] = r["goodputOfLineRateAfterWarmup"]
write("single.csv", [r for r in runs if r["scenario"] == "single"],
      ["config", "cc", "framing", "hostRate", "fabricRate", "switchQueue", "duration", "warmup", "goodputGbps",
       "goodputAfterWarmupGbps", "maxGoodputThisFramingGbps", "goodputOfMaxAfterWarmup", "maxGoodputDcsimFramingGbps",
       "queueMeanPkts", "queueP50Pkts", "queueMaxPkts", "switchDrops", "hostDrops", "retransmits", "timeouts",
       "fastRecoveries", "events", "runWallS"])
write("incast.csv", [r for r in runs if r["scenario"] == "incast"],
      ["minRto", "timestamps", "senders", "responseBytes", "switchQueue", "rounds", "roundsDone", "qctMeanMs", "qctP50Ms", "qctMaxMs",
       "qctMinMs", "idealQctMs", "goodputGbps", "switchDrops", "retransmits", "timeouts", "fastRecoveries", "queueMaxPkts",
       "events", "runWallS"])
write("dctcp.csv", [r for r in runs if r["scenario"] == "dctcp"],
      ["ecnK", "flows", "switchQueue", "duration", "warmup", "queueMeanPkts", "queueP5Pkts", "queueP50Pkts", "queueP95Pkts",
       "queueP99Pkts", "queueMaxPkts", "goodputAfterWarmupGbps", "goodputOfMaxAfterWarmup", "line_rate_fraction",
       "ecnMarks", "switchDrops", "retransmits", "timeouts", "events", "runWallS"])
ws = [r for r in runs if r["scenario"] == "websearch"]
if ws:
    keys = [k for k in ws[0] if k not in ("tag", "simulator")]
    write("websearch.csv", ws, keys)
PY
cat "$OUT/timings.csv"
