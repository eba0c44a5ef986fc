#!/usr/bin/env python3
"""Runs DcSim on SimGrid's migration cases and collects migrations.csv rows into OUT/dcsim.csv.

  grid.py DCSIM OUT [--only RAM,DIRTY,LINK[,COMPETE] ...] [--no-contended] [--no-matched] [--no-nominal]

DCSIM is the built executable (src/Runner/bin/Release/net10.0/dcsim). For every case of
tools/simgrid-migration/results/simgrid.csv (18 uncontended cells and 4 with a competing bulk flow), writes
OUT/scenarios/NAME.conf (cells.py), runs it into OUT/runs/NAME and appends its migration's row, with the case's
keys and the run's wall time, to OUT/dcsim.csv. Then the "matched" variant (cells.MATCHED_SCALE) of the uncontended
cells that dirty memory and converge: the same cells with TCP's goodput raised to SimGrid's 0.97 of the link. SimGrid's `--sharing shared` case has no DcSim equivalent (links
are full duplex) and is run as the split-duplex `rev` case it differs from.
"""
import csv
import os
import subprocess
import sys
import time

import cells

HERE = os.path.dirname(os.path.abspath(__file__))
SIMGRID_CSV = os.path.join(HERE, "..", "simgrid-migration", "results", "simgrid.csv")
KEYS = ["ram_gib", "dirty_mbps", "link_gbps", "compete", "variant"]


def cases():
    seen = []
    for r in csv.DictReader(open(SIMGRID_CSV)):
        case = (int(r["ram_gib"]), int(r["dirty_mbps"]), int(r["link_gbps"]), r["compete"])
        if case not in seen:
            seen.append(case)
    return seen


def run(dcsim, out, case):
    ram, dirty, link, compete, variant = case
    name = cells.name(*case)
    conf = os.path.join(out, "scenarios", name + ".conf")
    # A competing bulk flow on the same path takes about half the link: bound the run as if the stream had half.
    share = 0.5 if compete == "fwd" else 1.0
    with open(conf, "w") as f:
        f.write(cells.scenario(ram, dirty, link, compete, share, variant))
    results = os.path.join(out, "runs", name)
    began = time.monotonic()
    done = subprocess.run([dcsim, "run", conf, "--out", results], capture_output=True, text=True)
    wall = time.monotonic() - began
    if done.returncode != 0:
        sys.exit(f"{name}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    row = next(csv.DictReader(open(os.path.join(results, "migrations.csv"))))
    print(f"{name}: {row['outcome']} total {row['total_s']} s, downtime {row['downtime_ms']} ms, rounds {row['rounds']}, "
          f"wall {wall:.1f} s", flush=True)
    return dict(zip(KEYS, case)) | {"wall_s": f"{wall:.1f}"} | row


def main():
    dcsim, out = sys.argv[1], sys.argv[2]
    only = [tuple(a.split(",")) for a in sys.argv[3:] if not a.startswith("--")]
    todo = [c for c in cases() if not only or any(tuple(str(x) for x in c[:len(o)]) == o for o in only)]
    if "--no-contended" in sys.argv:
        todo = [c for c in todo if c[3] == "none"]
    matched = [c for c in todo if c[3] == "none" and c[1] > 0 and cells.converges(*c[:3])]
    nominal = [c for c in todo if c[3] != "none" or "--no-nominal" not in sys.argv]
    todo = [c + ("nominal",) for c in nominal] + ([] if "--no-matched" in sys.argv else [c + ("matched",) for c in matched])
    os.makedirs(os.path.join(out, "scenarios"), exist_ok=True)
    rows = [run(dcsim, out, c) for c in todo]
    with open(os.path.join(out, "dcsim.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
