using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>Live migrations in a run: the memory stream on the network, the VM moving with its traffic, the fabric following it.</summary>
public sealed class MigrationRunSpec(ITestOutputHelper output)
{
    /// <summary>Four servers on two leaves, OVS switching the VMs; a 64 MiB VM on host 0 receives a UDP stream from host 3.</summary>
    private const string Rack = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        duration = 300ms
        topology.vswitch.enabled = true
        servers { hypervisor = kvm, vm-switch = ovs }
        vms = [ { name = web, count = 1, hosts = [0], memory = 64MiB } ]
        traffic.generators = [ { kind = cbr, hosts = [3], destination = fixed, target = web-0, rate = 100Mbps, start = 5ms } ]

        """;

    private static ScenarioSettings WithMigration(string text, long atPs, int to, MigrationSettings? settings = null)
    {
        var scenario = VirtualizedRuns.Parse(text);
        var dc = scenario.Datacenter();
        return scenario with { Model = dc with { MigrationsOrNull = [new MigrationRequest(0, atPs, 0, to, settings ?? MigrationSettings.Qemu with { MaxBandwidth = default })] } };
    }

    private static ComponentCounters MigrationOf(ResultsBuilder results) =>
        results.Components.Values.Single(c => c.Kind == MigrationResults.Kind);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_VM_must_move_and_keep_receiving_its_traffic_at_the_destination(int to)
    {
        // act
        var results = InProcessRun.Run(FabricModel.Instance, WithMigration(Rack, 20 * SimTime.Millisecond, to));

        // assert: done, the stream's bytes are the VM's memory and device state, the traffic reaches it afterwards
        var m = MigrationOf(results);
        foreach (var (k, v) in m.Values.OrderBy(p => p.Key)) output.WriteLine($"{k} = {v}");
        var flow = results.Flows.Values.Single(f => f.Generator == 0);
        output.WriteLine($"sent {flow.SentPackets} delivered {flow.DeliveredPackets} dropped {flow.DroppedPackets} inflight {flow.InFlightPackets}");
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal(64L << 20, m[MigrationResults.PreCopyBytes]);
        Assert.True(m[MigrationResults.DowntimePs] > 5 * SimTime.Millisecond);
        Assert.Equal(flow.SentPackets, flow.DeliveredPackets + flow.DroppedPackets + flow.InFlightPackets);
        Assert.True(flow.DeliveredPackets > flow.SentPackets * 9 / 10);
        Assert.True(new RunSummary(results).Conserved);
    }
}
