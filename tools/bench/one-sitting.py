#!/usr/bin/env python3
"""Issue 14's one-sitting table: ns-3 lean, the plain C# loop (sequential and two threads) and DcSim on 1 and 2
partitions in one process (and 4, more than the cores here) and on 2 and 3 processes, for the medium and large fabrics at 100 Mb/s and 1 Gb/s per host,
run one after the other in one invocation so that every row shares the machine's state.

    python3 tools/bench/one-sitting.py --ns3 /tmp/ns3b/dc-bench --loop /tmp/limit/out/limit.dll \
        --dcsim src/Runner/bin/Release/net10.0/dcsim.dll --repeat 3 --out /tmp/sitting

The loop needs a per-host rate option (`--rate=BPS`, a one-line change to ../shared/bench/limit's Program.cs where it
fixes 100e6); ns-3's dc-bench takes `--rate` already. Prints a Markdown table and writes every raw record as JSON lines.
"""
import argparse
import json
import os
import subprocess
import sys
import time

FABRICS = {"medium": (4, 8, 16), "large": (8, 16, 32)}
# Simulated seconds per (fabric, rate): short enough that 2-3 processes finish, the same for every mode of a row.
CASES = [
    ("medium", "100Mbps", 100e6, 0.05),
    ("large", "100Mbps", 100e6, 0.02),
    ("medium", "1Gbps", 1e9, 0.01),
    ("large", "1Gbps", 1e9, 0.004),
]
DCSIM_MODES = [("DcSim, 1 partition", ["--partitions", "1"]), ("DcSim, 2 partitions, 1 process", ["--partitions", "2"]),
               ("DcSim, 4 partitions, 1 process", ["--partitions", "4"]),
               ("DcSim, 2 processes", ["--nodes", "2"]), ("DcSim, 3 processes", ["--nodes", "3"])]


def last_json(text):
    for line in reversed(text.splitlines()):
        if line.strip().startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON line in output:\n" + text[-2000:])


def run(cmd, timeout):
    """Runs cmd under /usr/bin/time; returns its standard output and its peak resident set in MB."""
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb=%M"] + cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    rss = [line for line in p.stderr.splitlines() if line.startswith("maxrss_kb=")]
    return p.stdout, int(rss[-1].split("=")[1]) / 1024 if rss else None


def ns3(args, fabric, rate, sim):
    s, l, h = FABRICS[fabric]
    out, rss = run([args.ns3, f"--spines={s}", f"--leaves={l}", f"--hostsPerLeaf={h}", "--pktSize=1000", f"--rate={rate}",
                  f"--simTime={sim}", "--seed=1", "--routing=nix", "--qdisc=none"], 3600)
    r = last_json(out)
    return {"wall": r["runWallS"], "linkTx": r["linkTx"], "events": r.get("events"), "peakMb": rss}


def loop(args, fabric, bps, sim, threads):
    s, l, h = FABRICS[fabric]
    best = None
    for _ in range(args.repeat):
        cmd = ["dotnet", args.loop, f"--spines={s}", f"--leaves={l}", f"--hostsPerLeaf={h}", f"--simTime={sim}", f"--rate={bps:g}"]
        cmd += ["--mode=seq"] if threads == 1 else ["--mode=par", f"--threads={threads}"]
        out, rss = run(cmd, 600)
        r = last_json(out)
        rec = {"wall": r["runWallS"], "linkTx": r["linkTx"], "events": r["events"], "windows": r.get("windows") or None,
               "wait": r.get("barrierWaitFrac"), "peakMb": rss}
        if best is None or rec["wall"] < best["wall"]:
            best = rec
    return best


def dcsim(args, fabric, rate, sim, extra):
    path = os.path.join(args.out, "dcsim.jsonl")
    before = sum(1 for _ in open(path)) if os.path.exists(path) else 0
    run(["dotnet", args.dcsim, "bench", "--fabric", fabric, "--rate", rate, "--sim-time", str(sim), "--repeat", str(args.repeat),
         "--json", path] + extra, 3600)
    lines = [json.loads(x) for x in open(path).read().splitlines()[before:]]
    warm = lines[1:] if len(lines) > 1 else lines
    r = min(warm, key=lambda x: x["wallSeconds"])
    return {"wall": r["wallSeconds"], "linkTx": r["linkTx"], "events": r["events"], "windows": r.get("windows"),
            "wait": r.get("syncWaitShare"), "peakMb": r.get("peakWorkingSetMb"), "cold": lines[0]["wallSeconds"]}


def fmt(x, spec, none="—"):
    return none if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ns3", required=True)
    ap.add_argument("--loop", required=True)
    ap.add_argument("--dcsim", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default="/tmp/one-sitting")
    ap.add_argument("--cases", default="all", help="comma-separated indexes into CASES, or all")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cases = CASES if args.cases == "all" else [CASES[int(i)] for i in args.cases.split(",")]
    raw = open(os.path.join(args.out, "raw.jsonl"), "a")
    rows = []
    print(f"started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load {os.getloadavg()[0]:.2f}", flush=True)
    for fabric, rate, bps, sim in cases:
        results = [("ns-3 lean", ns3(args, fabric, rate, sim)),
                   ("plain loop, sequential", loop(args, fabric, bps, sim, 1)),
                   ("plain loop, 2 threads", loop(args, fabric, bps, sim, 2))]
        results += [(name, dcsim(args, fabric, rate, sim, extra)) for name, extra in DCSIM_MODES]
        for name, r in results:
            if name in ("ns-3 lean", "plain loop, sequential", "DcSim, 1 partition"):
                r["wait"] = None
            r.update(fabric=fabric, rate=rate, sim=sim, mode=name)
            raw.write(json.dumps(r) + "\n")
            raw.flush()
            rows.append(r)
            print(f"  {fabric} {rate} {sim}s {name}: {r['wall']:.3f} s", flush=True)
    print(f"ended {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load {os.getloadavg()[0]:.2f}\n")
    print("| fabric, rate, simulated | run | wall s | link-tx/s | windows | events per window | wall per window | waiting share | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        windows = r.get("windows")
        # With one partition (or one thread) windows are only progress cuts: no per-window figures.
        single = r["mode"] in ("ns-3 lean", "plain loop, sequential", "DcSim, 1 partition")
        per_window = None if single or not windows else r["wall"] / windows * 1e6
        epw = None if single or not windows else r["events"] / windows
        print(f"| {r['fabric']}, {r['rate']}, {r['sim']} s | {r['mode']} | {r['wall']:.3f} | {r['linkTx'] / r['wall'] / 1e6:.2f} M "
              f"| {fmt(windows, ',')} | {fmt(epw, ',.0f')} | {fmt(per_window, '.1f')}{'' if per_window is None else ' µs'} "
              f"| {fmt(r.get('wait') and r['wait'] * 100, '.1f')}{'' if r.get('wait') is None else ' %'} | {fmt(r.get('peakMb'), '.0f')} |")


if __name__ == "__main__":
    sys.exit(main())
