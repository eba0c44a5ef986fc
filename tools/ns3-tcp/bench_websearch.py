#!/usr/bin/env python3
"""The TCP speed benchmark of issue 10, side by side: DcSim's config/scenarios/tcp/websearch-30.conf, then
ns-3's `tcp-peer --scenario=websearch` with the same fabric, workload, load and TCP settings, right after it.
Prints wall times, delivered bytes and FCT percentiles of both, and the speed ratio.

usage: tools/ns3-tcp/bench_websearch.py [--sim-time 0.01] [--skip-ns3] [--out DIR]
Run from the repository root after `dotnet build src/Runner -c Release` (and tools/ns3-tcp/build.sh)."""
import argparse, csv, json, os, re, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DCSIM = os.path.join(ROOT, "src/Runner/bin/Release/net10.0/dcsim.dll")
PEER = os.path.join(ROOT, "tools/ns3-tcp/tcp-peer")
BUCKETS = [("<100KB", 0, 100_000), ("100KB-1MB", 100_000, 1_000_000), (">1MB", 1_000_000, float("inf"))]


def percentile(values, p):
    """Nearest rank, as both summaries use."""
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(-(-p / 100 * len(values) // 1)) - 1))]


def dcsim(out, sim_time):
    conf = os.path.join(ROOT, "config/scenarios/tcp/websearch-30.conf")
    text = open(conf).read().replace("stop = 10ms", f"stop = {sim_time * 1000:g}ms")
    scenario = os.path.join(out, "websearch-30.conf")
    os.makedirs(out, exist_ok=True)
    with open(scenario, "w") as f:
        f.write(text.replace('"../cdf/websearch.txt"', '"' + os.path.join(ROOT, "config/scenarios/cdf/websearch.txt") + '"'))
    started = time.time()
    run = subprocess.run(["dotnet", DCSIM, "run", scenario, "--out", os.path.join(out, "dcsim")], capture_output=True, text=True, check=True)
    process_wall = time.time() - started
    wall = float(re.search(r"wall\s+([0-9.]+) s run", run.stdout).group(1))
    events = int(re.search(r"events ([0-9,]+)", run.stdout).group(1).replace(",", ""))
    rows = list(csv.DictReader(open(os.path.join(out, "dcsim", "tcp-flows.csv"))))
    done = [r for r in rows if int(r["completed_ps"]) >= 0]
    fct = {b: [float(r["fct_us"]) for r in done if lo < int(r["size"]) <= hi] for b, lo, hi in BUCKETS}
    return {
        "wall_s": wall, "process_wall_s": process_wall, "events": events, "flows": len(rows), "completed": len(done),
        "delivered_bytes": sum(int(r["bytes_received"]) for r in rows),
        "fct_p50_us": percentile([float(r["fct_us"]) for r in done], 50), "fct_p99_us": percentile([float(r["fct_us"]) for r in done], 99),
        **{f"fct_p50_us {b}": percentile(v, 50) for b, v in fct.items()}, **{f"flows {b}": len(v) for b, v in fct.items()},
    }


def ns3(out, sim_time):
    if not os.path.exists(PEER):
        subprocess.run([os.path.join(ROOT, "tools/ns3-tcp/build.sh")], check=True)
    args = [PEER, "--scenario=websearch", "--cc=newreno", "--spines=4", "--leaves=8", "--hosts-per-leaf=16", "--host-rate=10Gbps",
            "--fabric-rate=40Gbps", "--switch-queue=100", "--host-queue=1000", "--load=0.3", f"--sim-time={sim_time}", "--drain-cap=5",
            "--cdf=" + os.path.join(ROOT, "config/scenarios/cdf/websearch.txt"), "--out=" + os.path.join(out, "ns3")]
    line = subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    j = json.loads(line)
    return {
        "wall_s": j["runWallS"], "events": j["events"], "flows": j["flowsStarted"], "completed": j["flowsCompleted"],
        "delivered_bytes": j["deliveredBytes"], "fct_p50_us": j["fctP50Us"], "fct_p99_us": j["fctP99Us"],
        "fct_p50_us <100KB": j["fctP50UsLt100KB"], "fct_p50_us 100KB-1MB": j["fctP50Us100KBto1MB"], "fct_p50_us >1MB": j["fctP50UsGt1MB"],
        "flows <100KB": j["flowsLt100KB"], "flows 100KB-1MB": j["flows100KBto1MB"], "flows >1MB": j["flowsGt1MB"],
    }


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--sim-time", type=float, default=0.01, help="seconds of flow arrivals (then both drain)")
    a.add_argument("--skip-ns3", action="store_true")
    a.add_argument("--out", default="results/bench-websearch")
    args = a.parse_args()
    ours = dcsim(args.out, args.sim_time)
    theirs = ns3(args.out, args.sim_time) if not args.skip_ns3 else {}
    print(f"{'':24} {'DcSim':>14} {'ns-3':>14}")
    for k in ours:
        if k == "process_wall_s":
            continue
        t = theirs.get(k, float("nan"))
        print(f"{k:24} {ours[k]:>14,.3f} {t:>14,.3f}" if isinstance(ours[k], float) else f"{k:24} {ours[k]:>14,} {t:>14,}")
    if theirs:
        print(f"speed: DcSim runs {theirs['wall_s'] / ours['wall_s']:.1f}x ns-3's wall-time speed "
              f"({ours['delivered_bytes'] / ours['wall_s'] / 1e6:.0f} MB vs {theirs['delivered_bytes'] / theirs['wall_s'] / 1e6:.1f} MB delivered per wall second)")


if __name__ == "__main__":
    sys.exit(main())
