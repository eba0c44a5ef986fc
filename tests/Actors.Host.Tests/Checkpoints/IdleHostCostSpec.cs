using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using Xunit.Abstractions;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Checkpoints;

/// <summary>
/// Issue 14, item 6: what a host costs must not grow with the datacenter. An idle host holds no per-flow, per-port queue or
/// per-core accounting state (a checkpoint holds exactly what the partition holds, so its objects count it), state made on
/// first use comes back from a checkpoint, and the end-of-run report grows linearly with the hosts.
/// </summary>
public sealed class IdleHostCostSpec(ITestOutputHelper output)
{
    private static ScenarioSettings Fabric(int leaves, string traffic = "") => Parse($$"""
        duration = 2ms
        topology { spines = 2, leaves = {{leaves}}, hosts-per-leaf = 8 }
        traffic.generators = [ {{traffic}} ]
        """);

    private static Partition Built(ScenarioSettings scenario)
    {
        var partition = FabricModel.Instance.BuildPartition(scenario, 1, 0);
        partition.Start();
        return partition;
    }

    [Fact]
    public void An_idle_host_must_hold_no_queue_drop_map_backlog_or_busy_time()
    {
        // arrange: two idle fabrics, 32 and 64 hosts
        PartitionCheckpoint.Save(Built(Fabric(4)), out var small);
        PartitionCheckpoint.Save(Built(Fabric(8)), out var large);

        // act: what 32 more hosts (and 4 leaves) add
        var objectsPerHost = (large.Objects - small.Objects) / 32.0;
        var bytesPerHost = (large.StateBytes - small.StateBytes) / 32.0;
        output.WriteLine($"{objectsPerHost:0.0} objects and {bytesPerHost:0} B of state per idle host");

        // assert: 9.9 objects and 346 B now (15.0 and 379 B while each component kept its wires in an array, its kind and each LP its
        // ports and its components in one; 15.3 and 474 B while each port kept its peer's name and each NIC an empty wire slot; 21.5 and 575 B while each stack kept a lifecycle, a placement, its address, full
        // paths and a dozen fields few stacks use; 25.6 and 935 B while each port held its rate, delay and limit and each CPU its
        // settings and per-core arrays; 30.3 and 1,281 B while each port had a LinkStats of its own); the eager state added a packet
        // ring, an enqueue-time array and a drop map to each of the host's two ports (and its share of the leaves' uplinks),
        // 8 backlogs with their queues, and the per-core busy and polling arrays: about 28 objects and 3.7 KB of rings more
        Assert.True(objectsPerHost <= 11, $"{objectsPerHost:0.0} objects per idle host");
        Assert.True(bytesPerHost <= 380, $"{bytesPerHost:0} B of state per idle host");
    }

    [Fact]
    public void State_made_on_first_use_must_come_back_from_a_checkpoint_and_report_as_if_never_saved()
    {
        // arrange: traffic heavy enough to queue at the leaves, saved half-way
        var scenario = Fabric(4, "{ kind = poisson, rate = 3Gbps, packet-size = 1000B, destination = random }");
        var straight = Built(scenario);
        straight.RunUntil(1_000_000_000);
        var bytes = PartitionCheckpoint.Save(straight);
        var restored = PartitionCheckpoint.Restore(bytes);

        // act
        straight.RunUntil(scenario.DurationPs);
        restored.RunUntil(scenario.DurationPs);
        var a = straight.Report(scenario.DurationPs);
        var b = restored.Report(scenario.DurationPs);

        // assert: queues formed (so the lazily made rings were in the checkpoint) and the results are the same bytes
        Assert.Contains(a.Links.Values, l => l.QueueMaxPackets > 1);
        Assert.Contains(a.Flows.Values, f => f.Latency is { IsSparse: true });
        Assert.Equal(ResultsCodec.Encode(a), ResultsCodec.Encode(b));
    }

    [Fact]
    public void The_report_must_grow_linearly_with_the_hosts()
    {
        // act: the end-of-run report of idle fabrics of 32, 128 and 512 hosts
        var sizes = new[] { 4, 16, 64 }.Select(leaves =>
        {
            var scenario = Fabric(leaves);
            var results = Built(scenario).Report(scenario.DurationPs);
            return (Hosts: leaves * 8, Bytes: ResultsCodec.Encode(results).Length,
                Entries: results.Components.Values.Sum(c => c.Values.Count) + results.Links.Count + results.Flows.Count);
        }).ToList();
        foreach (var s in sizes) output.WriteLine($"{s.Hosts} hosts: {s.Bytes} B, {s.Entries} entries");

        // assert: entries per host are the same at every size (fabric links grow with leaves × spines, which grow with the
        // hosts here), and bytes per host differ only by the longer names of larger fabrics
        var perHost = sizes.Select(s => (double)s.Entries / s.Hosts).ToList();
        Assert.All(perHost, p => Assert.Equal(perHost[0], p, 0.02 * perHost[0]));
        var bytesPerHost = sizes.Select(s => (double)s.Bytes / s.Hosts).ToList();
        Assert.All(bytesPerHost, p => Assert.InRange(p, 0.9 * bytesPerHost[0], 1.15 * bytesPerHost[0]));
    }
}
