using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Tests.TcpModel;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>
/// A vnic = vf-bond VM whose VF is unplugged and plugged back while it sends: its traffic moves to the vhost-net path
/// and back, the host pays for the frames in between, the frames the VF held are lost and counted, and the run conserves
/// and repeats on two partitions.
/// </summary>
public sealed class BondedVfSpec(ITestOutputHelper output)
{
    /// <summary>
    /// v-0 (vf-bond on host 0's 82599) sends 1000 B datagrams to host 1 from 3 ms at <paramref name="rate"/>; its VF is unplugged
    /// at <paramref name="detach"/> and plugged back at 6 ms, up 0.5 ms later and active at the next 1 ms miimon tick (7 ms).
    /// </summary>
    private static TcpRun Run(string rate = "100Mbps", string detach = "5ms", string duration = "10ms", int partitions = 1) => TcpRun.Of($$"""
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        duration = {{duration}}
        servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ]
        vms = [ { name = v, hosts = [0], vnic = vf-bond, bond { miimon = 1ms, vf-ready = 500us } } ]
        vf-hotplug = [ { at = {{detach}}, vm = v-0, action = detach }, { at = 6ms, vm = v-0, action = attach } ]
        traffic.generators = [ { kind = cbr, endpoints = [v-0], destination = fixed, target = 1, start = 3ms, rate = {{rate}} } ]
        """, partitions);

    [Fact]
    public void Probe()
    {
        var run = Run("2Gbps", "5.0013ms");
        foreach (var (path, c) in run.Results.Components.Where(c => c.Key.StartsWith("host0")))
            output.WriteLine(path + ": " + string.Join(", ", c.Values.Where(kv => kv.Value != 0).Select(kv => $"{kv.Key}={kv.Value}")));
        var flow = run.Results.Flows.Values.Single(f => f.Generator == 0);
        output.WriteLine($"sent {flow.SentPackets} delivered {flow.DeliveredPackets} dropped {flow.DroppedPackets} inflight {flow.InFlightPackets} at {string.Join(",", flow.DropsAt)}");
    }
}
