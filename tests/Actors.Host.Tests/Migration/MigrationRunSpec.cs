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
        // Every datagram the VM got is measured in one period: before the start at 20 ms, during, after its resumption.
        var counts = Enumerable.Range(0, 3).Select(p => VirtualizedRuns.DeliveredAround(results, (int)m[MigrationResults.Index], p)).ToArray();
        Assert.Equal(flow.DeliveredPackets, counts.Sum());
        Assert.InRange(counts[0], 180, 190);   // 15 ms of 100 Mb/s in 1000 B datagrams (one every 80 us) from 5 ms
        Assert.True(counts[1] > 0 && counts[2] > 0);
    }

    [Fact]
    public void The_VMs_own_TCP_connection_must_survive_the_move()
    {
        // act: host 3 sends to web-0 over TCP as fast as it can from 5 ms to 200 ms, across the migration
        var text = Rack.Replace("traffic.generators = [ { kind = cbr, hosts = [3], destination = fixed, target = web-0, rate = 100Mbps, start = 5ms } ]",
            "traffic.generators = [ { kind = tcp-bulk, hosts = [3], destination = fixed, target = web-0, start = 5ms, stop = 200ms } ]");
        var results = InProcessRun.Run(FabricModel.Instance, WithMigration(text, 10 * SimTime.Millisecond, 2));

        // assert: the VM stopped while data flowed (segments were lost: a timeout), yet the connection delivered everything and closed
        var m = MigrationOf(results);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.InRange(m[MigrationResults.EndPs], 20 * SimTime.Millisecond, 190 * SimTime.Millisecond);
        var connection = results.Components.Values.Single(c => c.Kind == ActorsHost.Tcp.TcpResults.Kind && c[ActorsHost.Tcp.TcpResults.Source] == 3);
        output.WriteLine(string.Join(", ", connection.Values.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        Assert.True(connection[ActorsHost.Tcp.TcpResults.Timeouts] + connection[ActorsHost.Tcp.TcpResults.FastRecoveries] >= 1);
        Assert.True(connection[ActorsHost.Tcp.TcpResults.CompletedPs] > m[MigrationResults.EndPs]);
        Assert.Equal(connection[ActorsHost.Tcp.TcpResults.BytesAcked] - 2, connection[ActorsHost.Tcp.TcpResults.BytesReceived]);
        Assert.True(new RunSummary(results).Conserved);
    }

    [Theory]
    [InlineData(InFlightPolicy.Drop)]
    [InlineData(InFlightPolicy.Forward)]
    public void Frames_reaching_the_source_after_the_stop_must_be_dropped_or_forwarded_as_the_policy_says(InFlightPolicy policy)
    {
        // act
        var results = InProcessRun.Run(FabricModel.Instance,
            WithMigration(Rack, 20 * SimTime.Millisecond, 2, MigrationSettings.Qemu with { MaxBandwidth = default, InFlight = policy }));

        // assert: with drop, the frames sent during the downtime are lost at the source; with forward they arrive
        var m = MigrationOf(results);
        var flow = results.Flows.Values.Single(f => f.Generator == 0);
        output.WriteLine($"{policy}: dropped at source {m[MigrationResults.DroppedAtSource]}, forwarded {m[MigrationResults.ForwardedFromSource]}, flow dropped {flow.DroppedPackets}");
        if (policy == InFlightPolicy.Drop)
        {
            Assert.True(m[MigrationResults.DroppedAtSource] > 50);
            Assert.Equal(m[MigrationResults.DroppedAtSource] + m[MigrationResults.UnpluggedPackets], flow.DroppedPackets);
        }
        else
        {
            Assert.Equal(0, m[MigrationResults.DroppedAtSource]);
            Assert.True(m[MigrationResults.ForwardedFromSource] > 50);
        }
        Assert.True(new RunSummary(results).Conserved);
    }

    [Fact]
    public void A_run_that_ends_while_the_VM_is_stopped_must_still_report_it_and_conserve_its_packets()
    {
        // act: the VM stops at about 147 ms and resumes at about 156 ms; the run ends in between
        var results = InProcessRun.Run(FabricModel.Instance, WithMigration(Rack.Replace("duration = 300ms", "duration = 150ms"), 20 * SimTime.Millisecond, 2));

        // assert: in the stop-and-copy; the VM's stack still reports what it received
        var m = MigrationOf(results);
        Assert.Equal((long)MigrationPhase.StopAndCopy, m[MigrationResults.Phase]);
        var flow = results.Flows.Values.Single(f => f.Generator == 0);
        Assert.True(flow.DeliveredPackets > 1000);
        Assert.True(new RunSummary(results).Conserved);
    }

    [Fact]
    public void A_migration_must_give_the_same_results_every_time()
    {
        var a = InProcessRun.Run(FabricModel.Instance, WithMigration(Rack, 20 * SimTime.Millisecond, 2));
        var b = InProcessRun.Run(FabricModel.Instance, WithMigration(Rack, 20 * SimTime.Millisecond, 2));
        Assert.Equal(ResultsCodec.Encode(a), ResultsCodec.Encode(b));
    }

    [Fact]
    public void A_post_copy_migration_must_resume_the_VM_after_its_device_state_and_then_stream_its_memory()
    {
        // act
        var results = InProcessRun.Run(FabricModel.Instance,
            WithMigration(Rack, 20 * SimTime.Millisecond, 2, MigrationSettings.Qemu with { MaxBandwidth = default, Mode = MigrationMode.PostCopy }));

        // assert: stopped at once; the downtime is the device state's transfer and the resume delay; the memory came after
        var m = MigrationOf(results);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal((long)MigrationStopReason.PostCopy, m[MigrationResults.Reason]);
        Assert.True(m[MigrationResults.StopPs] - m[MigrationResults.StartPs] < SimTime.Millisecond);   // the connection's handshake
        Assert.InRange(m[MigrationResults.DowntimePs], 5 * SimTime.Millisecond, 15 * SimTime.Millisecond);
        Assert.Equal(64L << 20, m[MigrationResults.PreCopyBytes]);
        Assert.Equal(2L << 20, m[MigrationResults.StopAndCopyBytes]);
        Assert.True(m[MigrationResults.EndPs] - m[MigrationResults.StopPs] > 50 * SimTime.Millisecond);
        Assert.True(new RunSummary(results).Conserved);
    }

    /// <summary>The same rack with SR-IOV NICs and Linux bridges: web-0 has a VF bonded with a vhost-net NIC.</summary>
    private const string SriovRack = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        duration = 500ms
        servers { hypervisor = kvm, nic = 82599 }
        vms = [ { name = web, count = 1, hosts = [0], memory = 64MiB, vnic = vf-bond } ]
        traffic.generators = [ { kind = cbr, hosts = [3], destination = fixed, target = web-0, rate = 100Mbps, start = 5ms } ]

        """;

    [Fact]
    public void A_VM_with_a_bonded_VF_must_fail_over_migrate_on_its_backup_and_get_a_VF_at_the_destination()
    {
        // act
        var results = InProcessRun.Run(FabricModel.Instance, WithMigration(SriovRack, 20 * SimTime.Millisecond, 2));

        // assert: completed; at the destination the bond runs on a VF again (hot-plugged, then activated); the traffic got through
        var m = MigrationOf(results);
        foreach (var (k, v) in m.Values.OrderBy(p => p.Key)) output.WriteLine($"{k} = {v}");
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        var bonds = results.Components.Values.Where(c => c.Kind == ActorsHost.Sriov.GuestBond.ComponentKind).ToDictionary(c => c.Path);
        foreach (var (path, b) in bonds) output.WriteLine(path + ": " + string.Join(", ", b.Values.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(1, bonds["host0/web-0/bond0"]["vf_unplugs"]);
        Assert.Equal(1, bonds["host2/web-0/bond0"]["vf_plugs"]);
        Assert.Equal(1, bonds["host2/web-0/bond0"]["active_is_vf"]);
        Assert.True(bonds["host2/web-0/bond0"]["vf_rx_packets"] > 0);
        var flow = results.Flows.Values.Single(f => f.Generator == 0);
        output.WriteLine($"sent {flow.SentPackets} delivered {flow.DeliveredPackets} dropped {flow.DroppedPackets}");
        // Lost: at the source during the downtime, and at the destination between the VF taking the MAC (vf-ready) and the bond's
        // miimon noticing it (frames on an inactive slave are dropped); perhaps one in the source's VF as it was unplugged.
        var destination = bonds["host2/web-0/bond0"];
        Assert.True(destination["inactive_rx_drops"] > 0);
        Assert.InRange(flow.DroppedPackets - m[MigrationResults.DroppedAtSource] - destination["inactive_rx_drops"], 0, 2);
        Assert.True(new RunSummary(results).Conserved);
    }

    [Fact]
    public void A_VM_that_arrives_on_a_server_with_an_SR_IOV_NIC_must_be_reachable_from_that_servers_VF_VMs()
    {
        // act: web-0 (vhost-net) moves from host 0 to host 2, where db-0 (a VF) streams to it
        var text = """
            topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
            costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
            duration = 300ms
            servers { hypervisor = kvm, nic = 82599 }
            vms = [ { name = web, hosts = [0], memory = 64MiB }, { name = db, hosts = [2], memory = 64MiB, vnic = vf } ]
            traffic.generators = [ { kind = cbr, endpoints = [db-0], destination = fixed, target = web-0, rate = 100Mbps, start = 5ms } ]

            """;
        var scenario = VirtualizedRuns.Parse(text);
        var web = scenario.Datacenter().Plan.Entities.Select((e, i) => (e, i)).First(p => scenario.Datacenter().Plan.NameOf(p.i) == "web-0").i;
        var moved = scenario with { Model = scenario.Datacenter() with { MigrationsOrNull = [new MigrationRequest(0, 20 * SimTime.Millisecond, web, 2,
            MigrationSettings.Qemu with { MaxBandwidth = default })] } };
        var results = InProcessRun.Run(FabricModel.Instance, moved);

        // assert: after the move the stream reaches web-0 inside host 2's NIC (through its PF), none is filtered by the leaf
        var m = MigrationOf(results);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.True(VirtualizedRuns.DeliveredAround(results, (int)m[MigrationResults.Index], 2) > 1000);
        var flow = results.Flows.Values.Single(f => f.Generator == 0);
        Assert.DoesNotContain(flow.DropsAt.Keys, k => k.Contains("filtered", StringComparison.Ordinal));
        Assert.True(new RunSummary(results).Conserved);
    }
}
