#!/usr/bin/env python3
"""Joins DcSim's migrations (OUT/dcsim.csv, from grid.py) with SimGrid's (tools/simgrid-migration/results/simgrid.csv)
and writes OUT/table.md: the uncontended grid, then the competing-traffic cases.

  compare.py OUT

Per cell: total time and downtime on both sides with the relative difference (DcSim - SimGrid) / SimGrid, rounds as
SimGrid counts them (the live rounds after the first full copy: DcSim's rounds - 1), and the closed form of
precopy_reference.py at TCP's goodput (1448/1538 of the link, no per-transfer latency): the same recurrence as
SimGrid's with DcSim's rate, which says how much of a difference the rate alone explains.
"""
import csv
import os
import sys

import cells
from cells import precopy

HERE = os.path.dirname(os.path.abspath(__file__))
SIMGRID_CSV = os.path.join(HERE, "..", "simgrid-migration", "results", "simgrid.csv")
GIB = 2**30


def key(r):
    return (int(r["ram_gib"]), int(r["dirty_mbps"]), int(r["link_gbps"]), r["compete"], r.get("variant", "nominal"))


def diff(ours, theirs):
    return f"{(ours - theirs) / theirs * 100:+.1f} %"


def downtime_diff(ours_ms, theirs_ms):
    # SimGrid's empty stage 3 takes one latency (0.13 ms); DcSim sends nothing: no relative difference to speak of.
    return f"{ours_ms - theirs_ms:+.2f} ms" if theirs_ms < 1 else diff(ours_ms, theirs_ms)


def uncontended(sg, ours, out, variant="nominal"):
    factor = cells.TCP_GOODPUT * (cells.MATCHED_SCALE if variant == "matched" else 1.0)
    out.append("| RAM GiB | dirty MB/s | link Gb/s | SimGrid total s | DcSim total s | diff | SimGrid downtime ms | "
               f"DcSim downtime ms | diff | rounds SG / DcSim | closed form at {factor:.3f}: total s / downtime ms / rounds | DcSim wall s |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k, s in sg.items():
        if k[3] != "none" or k[:4] + (variant,) not in ours:
            continue
        d = ours[k[:4] + (variant,)]
        ram, dirty, link, _, _ = k
        model = precopy(ram, dirty, link, bandwidth_factor=factor)
        head = f"| {ram} | {dirty} | {link} |"
        if s["outcome"] == "aborted" or d["outcome"] == "aborted":
            per_round = int(d["total_bytes"]) / int(d["rounds"]) / (ram * GIB)
            agree = "both" if s["outcome"] == d["outcome"] == "aborted" else "**disagree**"
            out.append(f"{head} does not converge (aborted at 10⁷ s) | does not converge (abort-after: {float(d['total_s']):.1f} s) | "
                       f"{agree} | - | - | - | {s['rounds']} (to 10⁷ s) / {int(d['rounds']) - 1} (each round {per_round:.3f} × RAM) | "
                       f"{model['outcome']} | {d['wall_s']} |")
            continue
        st, dt = float(s["total_s"]), float(d["total_s"])
        sd, dd = float(s["downtime_s"]) * 1e3, float(d["downtime_ms"])
        out.append(f"{head} {st:.3f} | {dt:.3f} | {diff(dt, st)} | {sd:.2f} | {dd:.2f} | {downtime_diff(dd, sd)} | "
                   f"{s['rounds']} / {int(d['rounds']) - 1} | {model['total_s']:.3f} / {model['downtime_s'] * 1e3:.2f} / {model['rounds']} | "
                   f"{d['wall_s']} |")


def contended(sg_rows, ours, out):
    out.append("| case | SimGrid total s / downtime ms / rounds | DcSim total s / downtime ms / rounds | total diff | "
               "migration's mean rate, share of the link: SimGrid / DcSim | DcSim wall s |")
    out.append("|---|---|---|---|---|---|")
    for s in sg_rows:
        k = key(s)
        if k[3] == "none" or k not in ours:
            continue
        d = ours[k]
        ram, dirty, link, compete, _ = k
        link_Bps = link * 1e9 / 8
        case = f"{ram} GiB, {dirty} MB/s, {link} Gb/s, bulk {'src→dst' if compete == 'fwd' else 'dst→src'} ({s['sharing']})"
        if s["outcome"] == "aborted":
            sg = f"aborted at 10⁷ s, {s['rounds']} rounds"
            sg_share = float(s["bytes_sent"]) / float(s["total_s"]) / link_Bps
        else:
            sg = f"{float(s['total_s']):.3f} / {float(s['downtime_s']) * 1e3:.2f} / {s['rounds']}"
            sg_share = float(s["bytes_sent"]) / float(s["total_s"]) / link_Bps
        if d["outcome"] == "aborted":
            ours_text = f"does not converge (abort-after: {float(d['total_s']):.1f} s, {int(d['rounds']) - 1} rounds)"
            total = "both abort" if s["outcome"] == "aborted" else "**disagree**"
        else:
            ours_text = f"{float(d['total_s']):.3f} / {float(d['downtime_ms']):.2f} / {int(d['rounds']) - 1}"
            total = "**disagree**" if s["outcome"] == "aborted" else diff(float(d["total_s"]), float(s["total_s"]))
        share = int(d["total_bytes"]) / float(d["total_s"]) / link_Bps
        out.append(f"| {case} | {sg} | {ours_text} | {total} | {sg_share:.3f} / {share:.3f} | {d['wall_s']} |")


def main():
    out_dir = sys.argv[1]
    sg_rows = list(csv.DictReader(open(SIMGRID_CSV)))
    sg = {key(r): r for r in sg_rows}
    ours = {key(r): r for r in csv.DictReader(open(os.path.join(out_dir, "dcsim.csv")))}
    out = ["## Uncontended", ""]
    uncontended(sg, ours, out)
    if any(k[4] == "matched" for k in ours):
        out += ["", f"## Uncontended, TCP's goodput matched to SimGrid's rate (host links × {cells.MATCHED_SCALE:.4f})", ""]
        uncontended(sg, ours, out, "matched")
    out += ["", "## Competing traffic", ""]
    contended(sg_rows, ours, out)
    text = "\n".join(out) + "\n"
    open(os.path.join(out_dir, "table.md"), "w").write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
