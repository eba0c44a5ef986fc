#!/usr/bin/env python3
"""OVS vs SR-IOV live migration side by side: runs config/scenarios/migration-ovs.conf and migration-sriov.conf and
writes OUT/ovs-sriov.csv and OUT/ovs-sriov.md (one row per measure, one column per scenario).

  ovs_sriov.py DCSIM OUT

The two scenarios differ only in the servers' NIC and switch and the VM's vNIC. The generators: 0 is a 200 Mb/s UDP
stream of 1000 B datagrams to the VM (lost frames, by where they were lost), 1 a UDP_RR loop with it (latency).
The time on the backup (virtio) path of the SR-IOV VM runs from the migration's start (the VF's hot-unplug) to the
bond making the destination's VF active: the VM's resumption (when the VF is hot-plugged) + vf-ready, rounded up to
the next miimon tick (both reference.conf's defaults, 100 ms, which the scenario keeps). Frames that reach the VF
between vf-ready and that tick are dropped by the bond (inactive slave): the interruption after the downtime.
"""
import csv
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "..", "config", "scenarios")
VF_READY_S = 0.1
MIIMON_S = 0.1
STREAM_PPS = 200e6 / 8 / 1000


def run(dcsim, out, name):
    results = os.path.join(out, name)
    done = subprocess.run([dcsim, "run", os.path.join(SCENARIOS, f"migration-{name}.conf"), "--out", results],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{name}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    m = next(csv.DictReader(open(os.path.join(results, "migrations.csv"))))
    flows = {r["generator"]: r for r in csv.DictReader(open(os.path.join(results, "flows.csv")))}
    rr = next(csv.DictReader(open(os.path.join(results, "rr.csv"))))
    drops = json.load(open(os.path.join(results, "summary.json")))["drops_by_location"]
    return m, flows, rr, drops


def drops_at(drops, suffix):
    return sum(v for k, v in drops.items() if k.endswith(suffix))


def measures(m, flows, rr, drops, sriov):
    start, stop, end = float(m["start_s"]), float(m["stop_s"]), float(m["end_s"])
    stream = flows["0"]
    rows = [
        ("migration total (s)", f"{float(m['total_s']):.3f}"),
        ("pre-copy rounds", m["rounds"]),
        ("bytes sent (MB)", f"{int(m['total_bytes']) / 1e6:.1f}"),
        ("memory stream's mean rate (Gb/s)", f"{int(m['total_bytes']) * 8 / float(m['total_s']) / 1e9:.2f}"),
        ("stop reason", m["stop_reason"]),
        ("downtime (ms)", f"{float(m['downtime_ms']):.1f}"),
        ("UDP stream: sent / delivered / lost", f"{stream['sent_packets']} / {stream['delivered_packets']} / {stream['dropped_packets']}"),
        ("lost at the source after the stop (dropped_at_source, both generators)", m["dropped_at_source"]),
        ("lost inside the unplugged vNIC (lost_in_vnic)", m["lost_in_vnic"]),
        ("lost in the source's VF at its hot-unplug", drops_at(drops, "vf0:unplugged")),
        ("lost at the destination's bond, VF not yet active (inactive slave)", drops_at(drops, "bond0:inactive-slave")),
        ("lost elsewhere", sum(drops.values()) - int(m["dropped_at_source"]) - int(m["lost_in_vnic"])
         - drops_at(drops, "vf0:unplugged") - drops_at(drops, "bond0:inactive-slave")),
        ("UDP_RR transactions lost", rr["lost"]),
        ("UDP_RR mean / p99 RTT over the run (us)", f"{float(rr['rtt_mean_us']):.1f} / {float(rr['rtt_p99_us']):.1f}"),
    ]
    for period in ("before", "during", "after"):
        rows.append((f"latency p50 / p99 {period} (us)", f"{float(m[f'latency_p50_us_{period}']):.1f} / {float(m[f'latency_p99_us_{period}']):.1f}"))
    if sriov:
        active = math.ceil(round((end + VF_READY_S) / MIIMON_S, 9)) * MIIMON_S
        window = active - (end + VF_READY_S)
        rows += [
            ("traffic on the backup (virtio) path (s)", f"{active - start - (end - stop):.3f} ({start:.3f} to {active:.3f}, less the downtime)"),
            ("VF dropping frames at the destination: vf-ready to the miimon tick (ms)",
             f"{window * 1e3:.1f} (≈ {window * STREAM_PPS:.0f} stream datagrams)"),
        ]
    else:
        rows += [("traffic on the backup (virtio) path (s)", "- (always on virtio)"),
                 ("VF dropping frames at the destination: vf-ready to the miimon tick (ms)", "-")]
    return rows


def main():
    dcsim, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    ovs = measures(*run(dcsim, out, "ovs"), sriov=False)
    sriov = measures(*run(dcsim, out, "sriov"), sriov=True)
    with open(os.path.join(out, "ovs-sriov.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["measure", "ovs", "sriov"])
        w.writerows((a[0], a[1], b[1]) for a, b in zip(ovs, sriov))
    lines = ["| measure | OVS (virtio, kernel datapath) | SR-IOV (vf-bond, Linux bridge backup) |", "|---|---|---|"]
    lines += [f"| {a[0]} | {a[1]} | {b[1]} |" for a, b in zip(ovs, sriov)]
    text = "\n".join(lines) + "\n"
    open(os.path.join(out, "ovs-sriov.md"), "w").write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
