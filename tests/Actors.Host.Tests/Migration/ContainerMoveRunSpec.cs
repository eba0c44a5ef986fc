using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>Containers on bare-metal servers moving in a run: by restart (start-up time, frames lost, new connections) and by CRIU (the image as TCP traffic, connections kept).</summary>
public sealed class ContainerMoveRunSpec(ITestOutputHelper output)
{
    private static readonly long Ms = SimTime.Millisecond;

    /// <summary>
    /// Four servers on two leaves, no VMs: cache-0 (endpoint 4) on host 0 and db-0 (endpoint 5) on host 1, macvlan, running from 568 ms
    /// (Docker's start-up); both move at 700 ms.
    /// </summary>
    private const string Rack = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        duration = 1500ms
        containers = [ { name = cache, hosts = [0], network = macvlan }, { name = db, hosts = [1], network = macvlan } ]

        """;

    private static ComponentCounters MoveOf(ResultsBuilder results, int index) =>
        results.Components.Values.Single(c => c.Kind == MigrationResults.Kind && c[MigrationResults.Index] == index);

    private void Print(ComponentCounters c) => output.WriteLine(string.Join(", ", c.Values.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));

    [Fact]
    public void A_restarted_container_must_be_down_for_its_start_up_and_lose_what_reaches_its_old_server()
    {
        // arrange: host 3 streams 100 Mb/s of 1000 B datagrams (12.5 per ms) to cache-0; cache-0 runs a TCP transfer to host 3
        var scenario = VirtualizedRuns.Parse(Rack + """
            traffic.generators = [
              { kind = cbr, hosts = [3], destination = fixed, target = cache-0, rate = 100Mbps, start = 600ms }
              { kind = tcp-bulk, hosts = [], endpoints = [cache-0], destination = fixed, target = 3, start = 600ms }
            ]
            migrations = [ { at = 700ms, container = cache-0, to = host2, method = restart } ]
            """);

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: running on host 2 after the order to start it got there (the idle path from host 0, 4.2 us), Docker's 9 ms namespace
        // set-up and 559 ms start (calibration.md §6.2); nothing sent
        var m = MoveOf(results, 0);
        Print(m);
        var order = new FabricAnnouncer(((ActorsNetwork.Fabric.FabricLayout)FabricModel.Instance.Layout(scenario, 1)).Graph).ReachesServer(0, 2, 0);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal(700 * Ms, m[MigrationResults.StopPs]);
        Assert.Equal(568 * Ms + order, m[MigrationResults.DowntimePs]);
        Assert.Equal(1268 * Ms + order, m[MigrationResults.EndPs]);
        Assert.Equal(0, m[MigrationResults.StopAndCopyBytes]);
        // The stream's datagrams reaching host 0 from the stop until its leaf learns the new place (the announcement once it runs): 12.5 per ms
        // for 568 ms, and the few already past the leaf then
        var stream = results.Flows.Values.Single(f => f.Kind == "cbr");
        Assert.InRange(stream.DroppedPackets, 7100, 7110);
        // With the ACKs host 3 kept sending for cache-0's old connection, every frame lost was lost at host 0 or inside the killed process
        var acks = results.Flows.Values.Single(f => f.Kind == "tcp-bulk" && f.DroppedPackets > 0);
        Assert.True(m[MigrationResults.UnpluggedPackets] > 0);
        Assert.Equal(stream.DroppedPackets + acks.DroppedPackets, m[MigrationResults.DroppedAtSource] + m[MigrationResults.UnpluggedPackets]);
        Assert.Equal(stream.SentPackets, stream.DeliveredPackets + stream.DroppedPackets + stream.InFlightPackets);
        Assert.True(new RunSummary(results).Conserved);
        // Delivered on host 0 or host 2: host 3's stream reaches nothing there while cache-0 is down, then reaches it on host 2
        Assert.True(VirtualizedRuns.DeliveredAround(results, (int)m[MigrationResults.Index], 0) > 0 && VirtualizedRuns.DeliveredAround(results, (int)m[MigrationResults.Index], 2) > stream.DeliveredPackets / 2);
        // Its applications started over: the old connection is gone, a new one opened when it ran again on host 2
        var connections = results.Components.Values.Where(c => c.Kind == TcpResults.Kind && c[TcpResults.Source] == 4).OrderBy(c => c[TcpResults.StartPs]).ToList();
        foreach (var c in connections) Print(c);
        Assert.Equal(2, connections.Count);
        Assert.Equal(600 * Ms, connections[0][TcpResults.StartPs]);
        Assert.Equal(1268 * Ms + order, connections[1][TcpResults.StartPs]);
        Assert.True(connections[1][TcpResults.BytesAcked] > 0);
    }

    [Fact]
    public void A_CRIU_move_must_be_down_for_freeze_dump_transfer_and_restore_and_keep_its_TCP_connection()
    {
        // arrange: host 2 sends to db-0 over TCP as fast as it can from 600 ms to 1300 ms, across the move
        var scenario = VirtualizedRuns.Parse(Rack + """
            traffic.generators = [ { kind = tcp-bulk, hosts = [2], destination = fixed, target = db-0, start = 600ms, stop = 1300ms } ]
            migrations = [ { at = 700ms, container = db-0, to = host3, method = criu, memory = 64MiB } ]
            """);

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: the 64 MiB image crossed as TCP between the hosts' stacks
        var m = MoveOf(results, 0);
        Print(m);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal(64L << 20, m[MigrationResults.StopAndCopyBytes]);
        Assert.Equal(64L << 20, m[MigrationResults.StreamBytesReceived]);
        var image = results.Flows.Values.Single(f => f.Kind == "migration" && f.SentBytes > 0);
        Assert.Equal(64L << 20, image.DeliveredBytes);
        // downtime = freeze 10 ms + dump 64 MiB at 1 GB/s (67.108864 ms) + transfer + restore (9 ms netns + 64 MiB at 2 GB/s, 33.554432 ms);
        // the transfer is at least the image at the 10 Gb/s host link's TCP goodput (1448 of 1538 B on the wire: 57.0 ms)
        var fixedPart = 10 * Ms + 67_108_864_000 + 9 * Ms + 33_554_432_000;
        var transfer = m[MigrationResults.DowntimePs] - fixedPart;
        output.WriteLine($"transfer {transfer / 1e9:0.000} ms");
        Assert.InRange(transfer, (long)((64L << 20) * 8 / 10e9 * 1538 / 1448 * 1e12), 200 * Ms);
        Assert.Equal(m[MigrationResults.StopPs] + m[MigrationResults.DowntimePs], m[MigrationResults.EndPs]);
        // The connection outlived the move: segments lost while db-0 was frozen, recovered, everything delivered and closed after it
        var connection = results.Components.Values.Single(c => c.Kind == TcpResults.Kind && c[TcpResults.Source] == 2 && c[TcpResults.Destination] == 5);
        Print(connection);
        Assert.True(m[MigrationResults.DroppedAtSource] > 0);
        Assert.True(connection[TcpResults.Timeouts] + connection[TcpResults.FastRecoveries] >= 1);
        Assert.True(connection[TcpResults.CompletedPs] > m[MigrationResults.EndPs]);
        Assert.Equal(connection[TcpResults.BytesAcked] - 2, connection[TcpResults.BytesReceived]);
        Assert.True(new RunSummary(results).Conserved);
        // The traffic delivered on host 1 and host 3 is measured around the move, the image's stream left out
        Assert.True(VirtualizedRuns.DeliveredAround(results, (int)m[MigrationResults.Index], 0) > 0 && VirtualizedRuns.DeliveredAround(results, (int)m[MigrationResults.Index], 2) > 0);
    }

    [Fact]
    public void A_container_that_stops_before_its_restart_ends_must_stay_unfinished()
    {
        // arrange: cache-0 stops at 1 s, before its 568 ms start on host 2 (from 700 ms) is over
        var scenario = VirtualizedRuns.Parse(Rack.Replace("{ name = cache, hosts = [0], network = macvlan }", "{ name = cache, hosts = [0], network = macvlan, stop = 1s }")
            + "migrations = [ { at = 700ms, container = cache-0, to = host2, method = restart } ]");

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: stopped on host 2, never running, the move neither ended nor measured a downtime
        var m = MoveOf(results, 0);
        Assert.Equal((long)MigrationPhase.StopAndCopy, m[MigrationResults.Phase]);
        Assert.Equal(-1, m[MigrationResults.EndPs]);
        Assert.Equal(0, m[MigrationResults.DowntimePs]);
        var stack = results.Components.Values.Single(c => c.Kind == Endpoints.EndpointResults.ContainerStackKind && c[Endpoints.EndpointResults.Endpoint] == 4);
        Assert.Equal((long)Endpoints.EndpointState.Stopped, stack[Endpoints.EndpointResults.State]);
    }

    [Fact]
    public void A_run_that_ends_while_a_container_is_being_dumped_must_report_it_from_its_move()
    {
        // arrange: the run ends at 750 ms, while db-0's 64 MiB are dumped (10 ms freeze + 67.1 ms from 700 ms); host 2 sends it TCP meanwhile
        var scenario = VirtualizedRuns.Parse(Rack.Replace("duration = 1500ms", "duration = 750ms") + """
            traffic.generators = [ { kind = tcp-bulk, hosts = [2], destination = fixed, target = db-0, start = 600ms } ]
            migrations = [ { at = 700ms, container = db-0, to = host3, method = criu, memory = 64MiB } ]
            """);

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: in progress, nothing sent yet, and db-0's stack (in no server) still reported: every packet accounted for
        var m = MoveOf(results, 0);
        Assert.Equal((long)MigrationPhase.StopAndCopy, m[MigrationResults.Phase]);
        Assert.Equal(-1, m[MigrationResults.EndPs]);
        Assert.Equal(0, m[MigrationResults.StopAndCopyBytes]);
        Assert.Single(results.Components.Values, c => c.Kind == Endpoints.EndpointResults.ContainerStackKind && c[Endpoints.EndpointResults.Endpoint] == 5);
        Assert.True(new RunSummary(results).Conserved);
    }
}
