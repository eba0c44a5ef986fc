using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;
using Directive = DcSim.SimCore.Kernel.Directive;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// Per-pair lookahead through the whole protocol: on a one-way ring of three partitions each partition is one, two or three hops from
/// the others, so their windows end apart; they must align before every park and give the results of one partition.
/// </summary>
public sealed partial class WindowCoordinatorSpec
{
    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(0)]
    public void Partitions_unequally_far_apart_must_give_the_results_of_one_partition_and_of_partitions_all_one_hop_apart(int localThreads)
    {
        // arrange
        var pairs = new RingModel(6, Latency, ringLinks: true);
        var common = new RingModel(6, Latency);

        // act
        StartRun(common, 3, localThreads);
        var (_, uniform) = ProgressAndResults();
        StartRun(pairs, 3, localThreads);
        var (_, apart) = ProgressAndResults();

        // assert: the windows are cut elsewhere (the tokens pass every partition about once a latency: hardly fewer), never the results
        Assert.Equal(Undisturbed(pairs), apart.Results);
        Assert.Equal(apart.Results, uniform.Results);
        Assert.Equal(Latency, apart.Lookahead);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(0)]
    public void Partitions_drifted_apart_must_align_for_queries_pauses_and_directives_and_give_the_results_of_a_run_given_the_directive_there(int localThreads)
    {
        // arrange: a partition held inside an event past 1 ms until the first query is sent
        var gate = new MidRunGate(Millisecond);
        var model = new RingModel(6, Latency, gate.OnHandle, ringLinks: true);
        var coordinator = StartRun(model, 3, localThreads, scenario: LongerScenario);
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 1 ms");

        // act: a counters query, one with listings and a pause while the stretch is out (all read while the partition is held: read
        // after it goes on, they could find the run over), then a directive where it holds, the rest
        coordinator.Tell(new QueryServers(1), TestActor);
        coordinator.Tell(new QueryServers(2, new ListingQuery("nothing", 1, 0)), TestActor);
        AllHandled(coordinator);
        var paused = Control(coordinator, new PauseRun(1));
        gate.Release();
        var (snapshots, _, held) = AnswersUntilHeld(queries: 2);
        var (counters, listed) = (snapshots[1], snapshots[2]);
        coordinator.Tell(new QueryServers(3, new ListingQuery("nothing", 1, 0)), TestActor);
        var atHold = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        var applied = Apply(coordinator, 1, "token", "ring1");
        Control(coordinator, new ResumeRun(2));
        var (_, completed) = ProgressAndResults();

        // assert: the listing and the hold where every partition stands at one time; the directive applied there as if given there
        Assert.InRange(counters.SimulatedTime, Millisecond, listed.SimulatedTime);
        Assert.InRange(listed.SimulatedTime, Millisecond, 2 * Millisecond - 1);
        Assert.True(paused.Accepted);
        Assert.Equal(held.SimulatedTime, listed.SimulatedTime);
        Assert.Equal(held.SimulatedTime, atHold.SimulatedTime);
        Assert.Equal((true, held.SimulatedTime), (applied.Accepted, applied.SimulatedTime));
        var given = InProcessRun.Run(model, ScenarioLoader.Parse(LongerScenario, "test", ".", model), 1,
            directives: [new Directive(1, held.SimulatedTime, "token", ["ring1"])]);
        Assert.Equal(ResultsCodec.Encode(given), completed.Results);
    }

    [Fact]
    public void Partitions_drifted_apart_must_hold_exactly_at_each_run_until_and_finish_with_the_results_of_a_straight_run()
    {
        // arrange
        var model = new RingModel(6, Latency, ringLinks: true);
        var straight = Undisturbed(model);
        var (coordinator, _) = StartRun(model, 3, new RunUntil(7, 1_234_567));

        // act: hold at times inside windows that end apart
        var held = new[] { 1_500_000_001L, 1_500_000_002L, 3_999_999_999L }.Select(t => HeldAt(coordinator, t)).Prepend(FishForMessage<RunHeld>(_ => true)).ToList();
        coordinator.Tell(new QueryServers(1), TestActor);
        var snapshot = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        Control(coordinator, new ResumeRun(1));
        var completed = Completed();

        // assert
        Assert.Equal([1_234_567L, 1_500_000_001L, 1_500_000_002L, 3_999_999_999L], held.Select(h => h.SimulatedTime));
        Assert.InRange(snapshot.SimulatedTime, 1_500_000_002L, 3_999_999_999L);
        Assert.Equal(straight, completed.Results);
    }
}
