using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests;

public sealed class DeterminismSpec
{
    private static ScenarioSettings Mixed(ulong seed, EcnMarking? switchEcn = null)
    {
        var hosts = Enumerable.Range(0, 16).ToArray();
        var cdf = new FlowSizeCdf("test", [(1_000, 0.0), (10_000, 0.5), (100_000, 1.0)]);
        var fabric = TestScenarios.Fabric(2, 4, 4, switchQueue: new QueueLimit(QueueLimitUnit.Packets, 8));
        if (switchEcn is not null) fabric = fabric with { SwitchQueue = fabric.SwitchQueue with { Ecn = switchEcn } };
        return TestScenarios.Scenario(
            fabric, 3 * SimTime.Millisecond, seed,
            TestScenarios.Generator(GeneratorKind.Poisson, hosts, 2_000_000_000, 1000, 3 * SimTime.Millisecond, flowSizes: cdf, sizes: SizeDistribution.Exponential, index: 0),
            TestScenarios.Generator(GeneratorKind.OnOff, hosts, 3_000_000_000, 1400, 3 * SimTime.Millisecond, DestinationPattern.Permutation, index: 1),
            TestScenarios.Generator(GeneratorKind.RequestResponse, [0, 1, 2, 3], 50_000_000, 1000, 3 * SimTime.Millisecond, DestinationPattern.Incast, target: 9, index: 2),
            TestScenarios.Generator(GeneratorKind.Cbr, [5], 9_000_000_000, 1000, 2 * SimTime.Millisecond, DestinationPattern.Fixed, target: 6, index: 3),
            // closed loops across partitions, with timeouts short enough to fire in the overloaded queues
            TestScenarios.Generator(GeneratorKind.UdpRr, [10, 11, 12], 1, 1000, 3 * SimTime.Millisecond, index: 4,
                udpRr: TestScenarios.UdpRr(inFlight: 2, timeoutPs: 20 * SimTime.Microsecond)));
    }

    [Fact]
    public void Results_must_be_identical_on_one_and_on_three_partitions()
    {
        // arrange
        var scenario = Mixed(seed: 3);

        // act
        var one = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 1));
        var three = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 3));
        var again = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 1));

        // assert
        Assert.Equal(one, again);
        Assert.Equal(one, three);
    }

    [Fact]
    public void A_different_seed_must_give_different_results()
    {
        var a = InProcessRun.Run(FabricModel.Instance, Mixed(seed: 3), 1);
        var b = InProcessRun.Run(FabricModel.Instance, Mixed(seed: 4), 1);
        Assert.NotEqual(ResultsCodec.Encode(a), ResultsCodec.Encode(b));
        Assert.NotEqual(new RunSummary(a).DeliveredBytes, new RunSummary(b).DeliveredBytes);
    }

    [Fact]
    public void Every_packet_must_be_delivered_dropped_or_in_flight_under_overload()
    {
        // act: the mixed load overflows the 8-packet switch queues, and the run ends mid-traffic
        var results = InProcessRun.Run(FabricModel.Instance, Mixed(seed: 5), 2);
        var summary = new RunSummary(results);

        // assert
        Assert.True(summary.DroppedPackets > 0, "the scenario must overload some queue");
        Assert.True(summary.InFlightPackets > 0, "the run must end with packets on the way");
        Assert.True(summary.DeliveredPackets > 0);
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
        Assert.Equal(summary.DroppedPackets, results.Links.Values.Sum(l => l.DroppedPackets));
        Assert.NotEmpty(results.Histograms[TrafficHistograms.RequestCompletion]);
        Assert.Equal([10, 11, 12], UdpRrResults.Rows(results).Select(r => r.Client));
    }

    [Fact]
    public void Red_queues_must_drop_early_the_same_packets_on_one_and_on_three_partitions()
    {
        // arrange: RED on every switch port (w = 0.2, marks between 2 and 6 of the 8 packets); the UDP traffic is not ECN-capable
        var scenario = Mixed(seed: 3, new EcnMarking(EcnMode.Red, 0, new RedParameters(2, 6, 0.1, 0.2)));

        // act
        var one = InProcessRun.Run(FabricModel.Instance, scenario, partitions: 1);
        var three = InProcessRun.Run(FabricModel.Instance, scenario, partitions: 3);

        // assert: each port's random stream follows it, not its partition; early drops are drops, and packets are conserved
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(three));
        var summary = new RunSummary(one);
        Assert.True(one.Links.Values.Sum(l => l.EarlyDroppedPackets) > 0, "RED must drop some packets early");
        Assert.Equal(0, one.Links.Values.Sum(l => l.EcnMarkedPackets));
        Assert.Equal(summary.DroppedPackets, one.Links.Values.Sum(l => l.DroppedPackets));
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
    }
}
