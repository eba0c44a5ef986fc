#!/usr/bin/env python3
"""Closed-form pre-copy live migration (Clark et al., NSDI 2005), with SimGrid 3.32's parameters by default.

Round 0 sends the whole RAM V0; round i sends what was dirtied while round i-1 was on the wire,
V_i = min(D * V_{i-1} / R, WSS), i.e. V_i = V0 (D/R)^i while the working set does not cap it.
The VM is stopped when the data left is small enough to go within the downtime target
(V_n <= R * target, SimGrid's test `threshold < remaining_size`), or after a round limit; V_n is then
sent with the VM stopped (the downtime). D >= R never converges without a round limit: SimGrid then
runs to its 10^7 s timeout and aborts, which this model reports as "aborted" with the rounds done by then.

  precopy_reference.py RAM_GIB DIRTY_MBPS LINK_GBPS [--wss GIB] [--target S] [--max-rounds N]
                       [--bandwidth-factor F] [--latency S]        one case, one CSV line
  precopy_reference.py --compare results/simgrid.csv              a markdown table beside SimGrid's runs

R = link rate x bandwidth factor (SimGrid LV08: 0.97). --latency adds a per-transfer latency (SimGrid pays
10 us x latency factor 13.01 = 130.1 us per transfer); 0 by default, the pure closed form.
Units: GiB = 2^30 bytes, MB/s = 10^6 bytes/s, Gb/s = 10^9 bits/s.
"""
import argparse
import csv
import math
import sys

GIB = 2**30
SIMGRID_TARGET_S = 0.03  # dirty_page_tracking.cpp: max_downtime_ = 0.03, no setter
SIMGRID_TIMEOUT_S = 1e7  # VmLiveMigration.cpp: mig_timeout = 10000000.0
SIMGRID_BANDWIDTH_FACTOR = 0.97  # LV08's network/bandwidth-factor


def precopy(ram_gib, dirty_mbps, link_gbps, wss_gib=None, target=SIMGRID_TARGET_S, max_rounds=None,
            bandwidth_factor=SIMGRID_BANDWIDTH_FACTOR, latency=0.0, timeout=SIMGRID_TIMEOUT_S):
    """Returns dict(total_s, downtime_s, rounds, bytes_sent, stage1_s, outcome); rounds counts the live
    rounds after the first full copy (SimGrid's stage-2 rounds)."""
    v0 = ram_gib * GIB
    wss = (ram_gib if wss_gib is None else wss_gib) * GIB
    rate = link_gbps * 1e9 / 8 * bandwidth_factor
    dirty = dirty_mbps * 1e6

    def duration(volume):
        return volume / rate + latency

    stage1 = duration(v0)
    # SimGrid re-estimates the rate after each transfer (size / duration, latency included) and sets its
    # threshold from it (VmLiveMigration.cpp:192-193, 229-230); with no latency this is R x target.
    threshold = v0 / stage1 * target
    elapsed, sent, rounds = stage1, v0, 0
    pending = min(dirty * stage1, wss)
    if dirty >= rate and pending > threshold and max_rounds is None:
        # Every round is the working set (or grows to it): never below the threshold. Count the rounds
        # that fit in the timeout, as SimGrid does before it aborts.
        per_round = duration(pending)
        full = math.floor((timeout - stage1) / per_round)
        return dict(total_s=timeout, downtime_s=-1.0, rounds=full, bytes_sent=v0 + (full + 1) * pending,
                    stage1_s=stage1, outcome="aborted")
    while pending > threshold and (max_rounds is None or rounds < max_rounds):
        t = duration(pending)
        elapsed += t
        sent += pending
        rounds += 1
        threshold = pending / t * target
        pending = min(dirty * t, wss)
    downtime = duration(pending)
    return dict(total_s=elapsed + downtime, downtime_s=downtime, rounds=rounds, bytes_sent=sent + pending,
                stage1_s=stage1, outcome="converged")


SIMGRID_LATENCY_FACTOR = 13.01  # LV08's network/latency-factor: SimGrid pays link latency x 13.01


def compare(path):
    rows = list(csv.DictReader(open(path)))
    print("| RAM GiB | dirty MB/s | link Gb/s | traffic | SimGrid total s | model total s | diff | "
          "SimGrid downtime ms | model downtime ms | diff | rounds SG / model | GB sent SG / model |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        m = precopy(float(r["ram_gib"]), float(r["dirty_mbps"]), float(r["link_gbps"]), float(r["wss_gib"]),
                    latency=float(r["latency_us"]) * 1e-6 * SIMGRID_LATENCY_FACTOR)
        sg_total, sg_down = float(r["total_s"]), float(r["downtime_s"])
        traffic = r["compete"] if r["compete"] == "none" else f'{r["compete"]} ({r["sharing"]})'

        def pct(a, b):
            if b <= 0:
                return "n/a"
            d = (a - b) / b * 100
            return "0.0 %" if abs(d) < 0.05 else f"{d:+.1f} %"

        def ms(outcome, seconds):
            return "aborted" if outcome == "aborted" else f"{seconds * 1e3:.2f}"

        down_diff = "n/a" if "aborted" in (r["outcome"], m["outcome"]) else pct(m["downtime_s"], sg_down)
        down = f'{ms(r["outcome"], sg_down)} | {ms(m["outcome"], m["downtime_s"])} | {down_diff}'
        print(f'| {r["ram_gib"]} | {r["dirty_mbps"]} | {r["link_gbps"]} | {traffic} | {sg_total:.3f} | '
              f'{m["total_s"]:.3f} | {pct(m["total_s"], sg_total)} | {down} | {r["rounds"]} / {m["rounds"]} | '
              f'{float(r["bytes_sent"]) / 1e9:.3f} / {m["bytes_sent"] / 1e9:.3f} |')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("case", nargs="*", type=float, help="RAM_GIB DIRTY_MBPS LINK_GBPS")
    p.add_argument("--wss", type=float, help="writable working set in GiB (default: the whole RAM)")
    p.add_argument("--target", type=float, default=SIMGRID_TARGET_S, help="downtime target, s (SimGrid: 0.03)")
    p.add_argument("--max-rounds", type=int, help="round limit (SimGrid: none; Xen 29)")
    p.add_argument("--bandwidth-factor", type=float, default=SIMGRID_BANDWIDTH_FACTOR)
    p.add_argument("--latency", type=float, default=0.0, help="per-transfer latency, s")
    p.add_argument("--compare", metavar="SIMGRID_CSV")
    a = p.parse_args()
    if a.compare:
        compare(a.compare)
        return
    if len(a.case) != 3:
        p.error("give RAM_GIB DIRTY_MBPS LINK_GBPS, or --compare FILE")
    r = precopy(*a.case, wss_gib=a.wss, target=a.target, max_rounds=a.max_rounds,
                bandwidth_factor=a.bandwidth_factor, latency=a.latency)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["total_s", "downtime_s", "rounds", "bytes_sent", "stage1_s", "outcome"])
    w.writerow([f'{r["total_s"]:.9f}', f'{r["downtime_s"]:.9f}', r["rounds"], f'{r["bytes_sent"]:.0f}',
                f'{r["stage1_s"]:.9f}', r["outcome"]])


if __name__ == "__main__":
    main()
