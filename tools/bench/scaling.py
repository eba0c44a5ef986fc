#!/usr/bin/env python3
"""Issue 14's scaling model (docs/scaling.md), fitted and checked on this machine.

    python3 tools/bench/scaling.py measure --dcsim src/Runner/bin/Release/net10.0/dcsim.dll --out /tmp/scaling
    python3 tools/bench/scaling.py check --out /tmp/scaling
    python3 tools/bench/scaling.py predict --out /tmp/scaling [--hosts 10240 --lookahead-us 1.0 --cores 16 --machines 8]

`measure` runs `dcsim bench` on the large fabric for N processes x C partitions per process (N = 1..3, C = 1..2) at
100 Mb/s and 1 Gb/s per host and keeps each run's best warm wall time, events and windows. `check` fits the model's
constants on five runs (an event's cost on one partition at each rate; the per-event inflation and a window's cost on
2 partitions in one process, from both rates; a window's cost across processes, from 2 processes at 100 Mb/s) and
predicts the other seven.
`predict` applies the fitted constants to a fabric this machine cannot run (N machines x C cores).

The model: a run of E events in W windows on P = N x C partitions, K cores per machine, takes
    T = E * c_e * k / min(P, K_total)  +  W * s(N, C)
where c_e is one event's cost on one partition, k the per-event inflation when P > 1 (events that cross partitions are
handed over, caches are shared; fitted with s_local on the two 2-partition runs), and s the synchronisation cost of
one window: 0 on one partition, s_local between threads of one process, s_remote between processes (one crossing of
every pair's exchange). Speed-up against one partition: E * c_e / T.
"""
import argparse
import json
import os
import subprocess
import sys

CASES = [("100Mbps", 0.02), ("1Gbps", 0.004)]
GRID = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]  # (processes, partitions per process)
CORES = os.cpu_count() or 2


def measure(args):
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "scaling.jsonl")
    for rate, sim in CASES:
        for n, c in GRID:
            before = sum(1 for _ in open(path)) if os.path.exists(path) else 0
            cmd = ["dotnet", args.dcsim, "bench", "--fabric", "large", "--rate", rate, "--sim-time", str(sim), "--repeat",
                   str(args.repeat), "--nodes", str(n), "--partitions", str(n * c), "--json", path]
            subprocess.run(cmd, check=True, capture_output=True, timeout=3600)
            runs = [json.loads(x) for x in open(path).read().splitlines()[before:]]
            best = min(runs[1:] or runs, key=lambda r: r["wallSeconds"])
            print(f"{rate} {n} process(es) x {c}: best {best['wallSeconds']:.3f} s, {best['windows']} windows", flush=True)


def load(out):
    best = {}
    for line in open(os.path.join(out, "scaling.jsonl")):
        r = json.loads(line)
        key = (r["rate"], r["nodes"], r["partitions"] // r["nodes"])
        if key not in best or r["wallSeconds"] < best[key]["wallSeconds"]:
            best[key] = r
    return best


def fit(best):
    """c_e from one partition at each rate; k and s_local from 2 partitions in one process at both rates (two equations);
    s_remote from 2 processes at 100 Mb/s (fewest events per window). Every other run is a prediction."""
    c = {rate: best[(rate, 1, 1)]["wallSeconds"] / best[(rate, 1, 1)]["events"] for rate, _ in CASES}
    par = min(2, CORES)
    # T = E * c_e * k / par + W * s_local, at 100 Mb/s (a) and 1 Gb/s (b): solve for k and s_local.
    a, b = best[("100Mbps", 1, 2)], best[("1Gbps", 1, 2)]
    a1, a2, at = a["events"] * c["100Mbps"] / par, a["windows"], a["wallSeconds"]
    b1, b2, bt = b["events"] * c["1Gbps"] / par, b["windows"], b["wallSeconds"]
    det = a1 * b2 - a2 * b1
    k = (at * b2 - a2 * bt) / det
    s_local = (a1 * bt - at * b1) / det
    r = best[("100Mbps", 2, 1)]
    s_remote = (r["wallSeconds"] - r["events"] * c["100Mbps"] * k / par) / r["windows"]
    return {"c_e": c["1Gbps"], "c_e_100M": c["100Mbps"], "k": k, "s_local": s_local, "s_remote": s_remote}


def predict_time(consts, events, windows, n, c, cores=CORES, c_e=None):
    c_e = c_e or consts["c_e"]
    p = n * c
    if p == 1:
        return events * c_e
    # Partitions share the machine's cores: N processes on one machine here (cores = all of them), or N machines of K cores.
    parallel = min(p, cores)
    sync = consts["s_remote"] if n > 1 else consts["s_local"]
    return events * c_e * consts["k"] / parallel + windows * sync


def check(args):
    best = load(args.out)
    consts = fit(best)
    print(f"fitted on this machine ({CORES} cores): c_e = {consts['c_e'] * 1e9:.0f} ns per event at 1 Gb/s, "
          f"{consts['c_e_100M'] * 1e9:.0f} ns at 100 Mb/s; k = {consts['k']:.2f}; s_local = {consts['s_local'] * 1e6:.1f} µs, "
          f"s_remote = {consts['s_remote'] * 1e6:.1f} µs per window")
    print("| rate | processes x partitions | events per window | measured s | predicted s | error |")
    print("|---|---|---|---|---|---|")
    for (rate, n, c), r in sorted(best.items()):
        c_e = consts["c_e"] if rate == "1Gbps" else consts["c_e_100M"]
        t = predict_time(consts, r["events"], r["windows"], n, c, cores=CORES, c_e=c_e)
        fitted = (rate, n, c) in [("1Gbps", 1, 1), ("100Mbps", 1, 1), ("100Mbps", 1, 2), ("1Gbps", 1, 2), ("100Mbps", 2, 1)]
        epw = r["events"] / r["windows"]
        error = "(fitted)" if fitted else f"{(t / r['wallSeconds'] - 1) * 100:+.0f} %"
        print(f"| {rate} | {n} x {c} | {epw:,.0f} | {r['wallSeconds']:.3f} | {t:.3f} | {error} |")
    json.dump(consts, open(os.path.join(args.out, "constants.json"), "w"))


def predict(args):
    consts = json.load(open(os.path.join(args.out, "constants.json")))
    if args.c_e_ns:
        consts["c_e"] = args.c_e_ns * 1e-9
    if args.s_remote_us is not None:
        consts["s_remote"] = args.s_remote_us * 1e-6
    # Events per simulated second and host at the given rate: 8.8 events per 1000-byte packet on a leaf-spine (measured).
    packets = args.rate_bps / 8 / 1000
    events_per_s = args.hosts * packets * args.events_per_packet
    events = events_per_s * args.sim_seconds
    windows = args.sim_seconds / (args.lookahead_us * 1e-6)
    print(f"{args.hosts} hosts, {args.rate_bps / 1e6:g} Mb/s each, lookahead {args.lookahead_us} µs: "
          f"{events_per_s / 1e9:.2f} G events per simulated second, {events / windows:,.0f} events per window; "
          f"c_e {consts['c_e'] * 1e9:.0f} ns, s_remote {consts['s_remote'] * 1e6:.0f} µs")
    base = events * consts["c_e"]
    print("| machines | cores each | partitions | speed-up | wall per simulated ms |")
    print("|---|---|---|---|---|")
    for machines in [1, 2, 4, 8, 16, 32]:
        for cores in [1, args.cores]:
            if machines == 1 and cores == 1:
                continue
            p = machines * cores
            work = events * consts["c_e"] * consts["k"] / p
            sync = windows * (consts["s_remote"] if machines > 1 else consts["s_local"])
            t = work + sync
            print(f"| {machines} | {cores} | {p} | {base / t:.1f}x | {t / args.sim_seconds / 1e3:.2f} s |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="verb", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--dcsim", required=True)
    m.add_argument("--repeat", type=int, default=3)
    m.add_argument("--out", default="/tmp/scaling")
    c = sub.add_parser("check")
    c.add_argument("--out", default="/tmp/scaling")
    p = sub.add_parser("predict")
    p.add_argument("--out", default="/tmp/scaling")
    p.add_argument("--hosts", type=int, default=10240)
    p.add_argument("--rate-bps", type=float, default=100e6)
    p.add_argument("--events-per-packet", type=float, default=8.8)
    p.add_argument("--lookahead-us", type=float, default=1.0)
    p.add_argument("--sim-seconds", type=float, default=0.002)
    p.add_argument("--cores", type=int, default=16)
    p.add_argument("--c-e-ns", type=float, help="one event's cost on that fabric (ns), e.g. from dcsim bench-hosts")
    p.add_argument("--s-remote-us", type=float, help="a window's cost across machines (µs), e.g. a datacenter network's")
    args = ap.parse_args()
    {"measure": measure, "check": check, "predict": predict}[args.verb](args)


if __name__ == "__main__":
    sys.exit(main())
