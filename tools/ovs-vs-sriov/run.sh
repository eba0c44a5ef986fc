#!/bin/sh
# The sweeps of docs/ovs-vs-sriov.md over config/scenarios/ovs-vs-sriov.conf. Usage:
#   tools/ovs-vs-sriov/run.sh OUT_DIR [extra dcsim sweep options, e.g. --nodes 3]
# Each sweep writes OUT_DIR/NAME/{sweep.csv,report.html,*.png,points/}. DCSIM overrides the command (default: dotnet run).
set -eu
out=${1:?usage: run.sh OUT_DIR [sweep options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
scenario="$here/../../config/scenarios/ovs-vs-sriov.conf"
dcsim=${DCSIM:-"dotnet run --project $here/../../src/Runner -c Release --"}

# The three paths: what each sets on the servers under test (the generators keep their XL710 VFs).
ALL='path=ovs-kernel:{servers.nic=plain; topology.vswitch.datapath=kernel; vms[1].vnic=vhost-net},ovs-dpdk:{servers.nic=plain; topology.vswitch.datapath=netdev; vms[1].vnic=vhost-user},sriov:{servers.nic=82599; vms[1].vnic=vf}'
OVS='path=ovs-kernel:{servers.nic=plain; topology.vswitch.datapath=kernel; vms[1].vnic=vhost-net},ovs-dpdk:{servers.nic=plain; topology.vswitch.datapath=netdev; vms[1].vnic=vhost-user}'
# The guest: its Linux stack (reference costs), or a poll-mode application (DPDK testpmd-like) that keeps up with the
# line rate: what published SR-IOV and OVS-DPDK line-rate figures use. Assumption: 100 cycles to receive a packet and
# 50 for the VF's poll-mode driver.
KERNEL='guest=kernel:{costs.stack.app.cycles=1400}'
PMD='guest=pmd:{costs.stack.receive.cycles=100; costs.stack.receive.per-byte=0; costs.stack.app.cycles=0; costs.vf.driver-rx.cycles=50}'
SIZE='traffic.generators[0].packet-size'
FLOWS='traffic.generators[0].concurrent-flows'

sweep() {
  name=$1
  shift
  $dcsim sweep "$scenario" "$@" --out "$out/$name" ${extra:-}
}
extra="$*"

# Line rate: 64 B to 1518 B frames at 100% of 10 GbE into the VMs, a guest that keeps up.
sweep line-rate --vary "$SIZE=64B,128B,256B,512B,1024B,1518B" --vary "$ALL" --vary "$PMD"
# Load: the Linux guest at 1%, 10% and 100% of the line rate (64 B): cycles per packet where every path keeps up.
sweep load --vary 'traffic.generators[0].rate="1%","10%","100%"' --vary "$ALL" --vary "$KERNEL"
# Datapath cores: the cap of each OVS path as it gets more cores (the PMDs of ovs-dpdk, softirq cores of ovs-kernel).
sweep datapath-cores --vary 'topology.vswitch.datapath-cores=1,2,4,8' --vary "$OVS" --vary "$PMD"
# Flows: concurrent 5-tuples per generator VM with a 1000-rule ACL on UDP source ports (a megaflow per port range).
sweep flows --vary "$FLOWS=10,100,1000,10000,64512" --vary "$ALL" --vary "$PMD" --vary 'topology.vswitch.rules="rules/vm-acl-1000.txt"'
# Rules: the ACL's size under 64,512 concurrent 5-tuples per generator VM.
sweep rules --vary 'topology.vswitch.rules="",rules/vm-acl-10.txt,rules/vm-acl-100.txt,rules/vm-acl-1000.txt' --vary "$OVS" --vary "$PMD" --vary "$FLOWS=64512"
# VMs per server under test: 1 to 64 (the 82599 has 63 VFs: the 64th VM falls back to the vSwitch).
sweep vms --vary 'vms-per-server=1:{vms[0].count=2; vms[1].count=2},4:{vms[0].count=8; vms[1].count=8},16:{vms[0].count=32; vms[1].count=32},64:{vms[0].count=128; vms[1].count=128}' --vary "$ALL" --vary "$PMD"
