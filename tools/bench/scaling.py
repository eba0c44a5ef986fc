#!/usr/bin/env python3
"""Issue 14's scaling model (docs/scaling.md), fitted and checked on this machine.

    python3 tools/bench/scaling.py measure --dcsim src/Runner/bin/Release/net10.0/dcsim.dll --out /tmp/scaling
    python3 tools/bench/scaling.py check --out /tmp/scaling [/tmp/scaling2 ...]
    python3 tools/bench/scaling.py predict --out /tmp/scaling [--hosts 10240 --lookahead-us 1.0 --cores 16 --machines 8]

`measure` runs `dcsim bench` on the large fabric for N processes x C partitions per process (N = 1..3, C = 1..2) at
100 Mb/s and 1 Gb/s per host and keeps each run's best warm wall time, events and windows: one sitting per folder. `check` fits
the model's constants by least squares over every run of every sitting given (each sitting's own one-partition runs give its c_e,
an event's cost that day) and, given two sittings or more, predicts each sitting's runs from a fit on the others.
`predict` applies the fitted constants to a fabric this machine cannot run (N machines x C cores).

The model: a run of E events in W windows on P = N x C partitions, K cores per machine, takes
    T = E * c_e * k / min(P, K_total)  +  W * s(N, C)
where c_e is one event's cost on one partition, k the per-event inflation when P > 1 (events that cross partitions are
handed over, caches are shared; fitted on the 2-partition run at 1 Gb/s), and s the synchronisation cost of
one window: 0 on one partition, s_local between threads of one process, a + b x (P - C) + x E/(W P) between processes (a crossing,
one message to and from every partition in another process, and each partition's events encoded and taken in), plus o x (P - K)
when there are more partitions than cores (each window then waits for threads to get a core). Speed-up against one partition:
E * c_e / T.
"""
import argparse
import json
import math
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
    missing = [k for k in ((rate, n, c) for rate, _ in CASES for n, c in GRID) if k not in best]
    if missing:
        sys.exit(f"{out}: no run for {', '.join(f'{rate} {n} x {c}' for rate, n, c in missing)}; run `measure` there first")
    return best


def least_squares(rows, ys):
    """The coefficients minimising the squared error of rows . coefficients against ys (normal equations, Gauss-Jordan)."""
    n = len(rows[0])
    m = [[sum(r[i] * r[j] for r in rows) for j in range(n)] + [sum(r[i] * y for r, y in zip(rows, ys))] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda i: abs(m[i][col]))
        if abs(m[pivot][col]) < 1e-30:
            sys.exit("the runs do not determine the model's constants (a singular fit): measure more sittings")
        m[col], m[pivot] = m[pivot], m[col]
        for i in range(n):
            if i != col:
                f = m[i][col] / m[col][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def non_negative_least_squares(rows, ys):
    """Least squares with every coefficient at least 0 (each is a cost): a coefficient the fit makes negative, noise on this machine
    where two terms move together (remote peers and partitions beyond the cores), is set to 0 and the others fitted again."""
    free = list(range(len(rows[0])))
    while True:
        fitted = least_squares([[r[i] for i in free] for r in rows], ys)
        if min(fitted) >= 0:
            coefficients = [0.0] * len(rows[0])
            for i, c in zip(free, fitted):
                coefficients[i] = c
            return coefficients
        free.pop(min(range(len(free)), key=lambda j: fitted[j]))


def per_event(sitting):
    """c_e at each rate: one event's cost on one partition, from the sitting's own one-partition run (the work every other run of
    the sitting is measured against: the host's speed changes between sittings, not within one)."""
    return {rate: sitting[(rate, 1, 1)]["wallSeconds"] / sitting[(rate, 1, 1)]["events"] for rate, _ in CASES}


def fit(sittings):
    """The model's constants over every run of every sitting, by least squares. s_local: the mean waiting per window of 2
    partitions in one process at 100 Mb/s, as those runs measured it; k at each rate: what is left of the 2-partition runs once
    their windows' waiting is taken off, against half the work; the crossing between processes (a + b per remote peer + x per event
    of a partition's window + o per partition beyond the cores) from every run on 2 and 3 processes at both rates."""
    par = min(2, CORES)
    waits = [s[("100Mbps", 1, 2)] for s in sittings]
    s_local = sum(r["wallSeconds"] * r["syncWaitShare"] / r["windows"] for r in waits) / len(waits)
    k = {}
    for rate, _ in CASES:
        work = [s[(rate, 1, 2)]["events"] * per_event(s)[rate] / par for s in sittings]
        rest = [s[(rate, 1, 2)]["wallSeconds"] - s[(rate, 1, 2)]["windows"] * s_local for s in sittings]
        k[rate] = least_squares([[w] for w in work], rest)[0]
    rows, ys = [], []
    for s in sittings:
        c = per_event(s)
        for (rate, n, per), r in s.items():
            if n == 1:
                continue
            p = n * per
            ys.append((r["wallSeconds"] - r["events"] * c[rate] * k[rate] / min(p, CORES)) / r["windows"])
            rows.append([1, p - per, r["events"] / r["windows"] / p, max(0, p - CORES)])
    a_remote, b_remote, x_event, over = non_negative_least_squares(rows, ys)
    return {"c_e": sum(per_event(s)["1Gbps"] for s in sittings) / len(sittings),
            "c_e_100M": sum(per_event(s)["100Mbps"] for s in sittings) / len(sittings), "k": k["1Gbps"], "k_100M": k["100Mbps"],
            "s_local": s_local, "a_remote": a_remote, "b_remote": b_remote, "x_event": x_event, "over": over}


def expected_max_normal(p):
    """E[max of p independent standard normals] (0.56 for 2, 1.03 for 4, 1.77 for 16), by integrating x * p * phi(x) * Phi(x)^(p-1)."""
    if p <= 1:
        return 0.0
    step, total, x = 0.001, 0.0, -8.0
    while x < 8.0:
        phi = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        big_phi = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        total += x * p * phi * big_phi ** (p - 1) * step
        x += step
    return total


def window_noise(p, events_per_window):
    """How much longer the busiest of p partitions' window is than an even share, when each partition's count of events in a window
    is random around m = E/W/p (sd about sqrt(m)): 1 + z_p / sqrt(m). Measured from window traces on the large fabric (docs/scaling.md,
    "The busiest partition of each window"): 2-8 partitions at 1 Gb/s within 1-2 points of it; at 100 Mb/s (m = 7-29) it is low by 1-16
    points, events coming in packets' bursts."""
    m = events_per_window / p
    return 1 + expected_max_normal(p) / math.sqrt(m) if p > 1 and m > 0 else 1.0


def predict_time(consts, events, windows, n, c, cores=CORES, c_e=None, k=None):
    c_e = c_e or consts["c_e"]
    k = k or consts["k"]
    p = n * c
    if p == 1:
        return events * c_e
    # Partitions share the machine's cores: N processes on one machine here (cores = all of them), or N machines of K cores.
    parallel = min(p, cores)
    if n > 1:
        sync = (consts["a_remote"] + consts["b_remote"] * (p - c) + consts["x_event"] * events / windows / p
                + consts["over"] * max(0, p - cores))
    else:
        sync = consts["s_local"]
    return events * c_e * k / parallel + windows * sync


def describe(consts):
    return (f"c_e = {consts['c_e'] * 1e9:.0f} ns per event at 1 Gb/s, {consts['c_e_100M'] * 1e9:.0f} ns at 100 Mb/s (the sittings' mean); "
            f"k = {consts['k']:.2f} at 1 Gb/s, {consts['k_100M']:.2f} at 100 Mb/s; s_local = {consts['s_local'] * 1e6:.1f} µs; "
            f"across processes a window costs {consts['a_remote'] * 1e6:.1f} µs + {consts['b_remote'] * 1e6:.1f} µs per remote peer + "
            f"{consts['x_event'] * 1e9:.0f} ns per event of a partition's window, + {consts['over'] * 1e6:.1f} µs per partition beyond the cores")


def check(args):
    """Fits on all sittings and, with two or more, predicts each sitting from a fit on the others (its own one-partition runs give
    its c_e): an error there is one the model makes on runs it never saw."""
    sittings = [load(out) for out in args.out]
    consts = fit(sittings)
    print(f"fitted on {len(sittings)} sitting(s) on this machine ({CORES} cores): {describe(consts)}")
    held_out = len(sittings) > 1
    print("| sitting | rate | processes x partitions | events per window | measured s | predicted s | error |")
    print("|---|---|---|---|---|---|---|")
    errors = []
    for i, s in enumerate(sittings):
        others = fit(sittings[:i] + sittings[i + 1:]) if held_out else consts
        c = per_event(s)
        for (rate, n, per), r in sorted(s.items()):
            if n * per == 1:
                continue
            k = others["k"] if rate == "1Gbps" else others["k_100M"]
            t = predict_time(others, r["events"], r["windows"], n, per, cores=CORES, c_e=c[rate], k=k)
            error = t / r["wallSeconds"] - 1
            errors.append(error)
            print(f"| {os.path.basename(os.path.normpath(args.out[i]))} | {rate} | {n} x {per} | {r['events'] / r['windows']:,.0f} "
                  f"| {r['wallSeconds']:.3f} | {t:.3f} | {error * 100:+.0f} % |")
    rms = (sum(e * e for e in errors) / len(errors)) ** 0.5
    print(f"{'held-out' if held_out else 'in-sample (one sitting: measure more to check on runs the fit never saw)'} error: "
          f"root mean square {rms * 100:.0f} %, worst {max(errors, key=abs) * 100:+.0f} %")
    # k folds in how unequal the cores are: partitions that meet every window go at the slowest one's pace.
    for i, s in enumerate(sittings):
        for rate, _ in CASES:
            busy = s[(rate, 1, 2)].get("busyNsPerEventByPartition")
            if busy:
                print(f"{os.path.basename(os.path.normpath(args.out[i]))}, {rate}, 2 partitions in one process: busy "
                      f"{', '.join(f'{ns:.0f}' for ns in busy)} ns an event (slowest / fastest {max(busy) / min(busy):.2f})")
    json.dump(consts, open(os.path.join(args.out[0], "constants.json"), "w"))


def predict(args):
    """N machines of K cores, a partition per core: work spread over all cores, a window costing one one-way crossing
    (--latency-us) plus handling one message per remote peer (--per-message-us) plus the fitted cost per event of a partition's
    window (x, encoding and taking in what crosses), or a barrier (s_local) on one machine."""
    consts = json.load(open(os.path.join(args.out, "constants.json")))
    if args.latency_us is None:
        args.latency_us = round(consts["a_remote"] * 1e6, 1)
    if args.per_message_us is None:
        args.per_message_us = round(consts["b_remote"] * 1e6, 1)
    c_e = args.c_e_ns * 1e-9 if args.c_e_ns else consts["c_e"]
    if args.k is not None:
        consts["k"] = args.k
    # The fitted k holds 2 partitions' window noise at 1 Gb/s on the large fabric (570 events a window); the rest is per event (the
    # machine's cores, crossings), and the noise at p partitions is added back for the events per window predicted.
    k_event = consts["k"] / window_noise(2, 570) if args.k is None else args.k
    packets = args.rate_bps / 8 / 1000
    events_per_s = args.hosts * packets * args.events_per_packet
    events = events_per_s * args.sim_seconds
    windows = args.sim_seconds / (args.lookahead_us * 1e-6)
    print(f"{args.hosts} hosts, {args.rate_bps / 1e6:g} Mb/s each, lookahead {args.lookahead_us} µs: "
          f"{events_per_s / 1e9:.2f} G events per simulated second, {events / windows:,.0f} events per window; c_e {c_e * 1e9:.0f} ns, "
          f"k {k_event:.2f} per event x the window noise at p partitions, barrier {consts['s_local'] * 1e6:.1f} µs, crossing {args.latency_us} µs + {args.per_message_us} µs per remote peer"
          f" + {consts['x_event'] * 1e9:.0f} ns per event of a partition's window")
    base = events * c_e
    print("| machines | cores each | partitions | window noise | speed-up | wall per simulated ms |")
    print("|---|---|---|---|---|---|")
    for machines in [1, 2, 4, 8, 16]:
        for cores in sorted({1, 2, args.cores}):
            if machines == 1 and cores == 1:
                continue
            p = machines * cores
            noise = window_noise(p, events / windows)
            work = events * c_e * k_event * noise / p
            sync = ((args.latency_us + args.per_message_us * (p - cores)) * 1e-6 + consts["x_event"] * events / windows / p if machines > 1
                    else consts["s_local"])
            t = work + windows * sync
            print(f"| {machines} | {cores} | {p} | {noise:.2f} | {base / t:.2f}x | {t / args.sim_seconds / 1e3:.2f} s |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="verb", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--dcsim", required=True)
    m.add_argument("--repeat", type=int, default=3)
    m.add_argument("--out", default="/tmp/scaling")
    c = sub.add_parser("check")
    c.add_argument("--out", nargs="+", default=["/tmp/scaling"], help="one folder per sitting (each measured by `measure`)")
    p = sub.add_parser("predict")
    p.add_argument("--out", default="/tmp/scaling")
    p.add_argument("--hosts", type=int, default=10240)
    p.add_argument("--rate-bps", type=float, default=100e6)
    p.add_argument("--events-per-packet", type=float, default=8.8)
    p.add_argument("--lookahead-us", type=float, default=1.0)
    p.add_argument("--sim-seconds", type=float, default=0.002)
    p.add_argument("--cores", type=int, default=16)
    p.add_argument("--c-e-ns", type=float, help="one event's cost on that fabric (ns), e.g. from dcsim bench-hosts")
    p.add_argument("--k", type=float, help="per-event inflation once split, without the window noise (default: the fitted one at 1 Gb/s less its 2 partitions' noise)")
    p.add_argument("--latency-us", type=float,
                   help="one-way crossing between machines (µs); default: the fitted a on loopback (data channel, waiting included)")
    p.add_argument("--per-message-us", type=float, help="CPU to send and take in one remote message (µs); default: the fitted b")
    args = ap.parse_args()
    {"measure": measure, "check": check, "predict": predict}[args.verb](args)


if __name__ == "__main__":
    sys.exit(main())
