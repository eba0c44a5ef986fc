using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;
using Directive = DcSim.SimCore.Kernel.Directive;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// Partitions on the actors' path (as when they are in other processes) running stretches of peer windows: barriers the coordinator asks
/// for mid-stretch are agreed by every partition, and change when windows run, never which.
/// </summary>
public sealed partial class WindowCoordinatorSpec
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Peer_partitions_must_park_together_for_queries_pauses_and_directives_and_give_the_results_of_a_run_given_the_directive_there(int partitions)
    {
        // arrange: a partition held inside an event past 1 ms, then past 2 ms, each until what the test sends is in
        var gates = new[] { new MidRunGate(Millisecond), new MidRunGate(2 * Millisecond) };
        var model = new RingModel(6, Latency, (lp, time) => Array.ForEach(gates, g => g.OnHandle(lp, time)));
        var coordinator = StartRun(model, partitions, localThreads: 0, scenario: LongerScenario);

        // act: two queries while the stretch is out, then a pause, a directive where it holds, and the rest of the run
        Assert.True(gates[0].WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 1 ms");
        coordinator.Tell(new QueryServers(1), TestActor);
        AllHandled(coordinator);
        gates[0].Release();
        var first = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        Assert.True(gates[1].WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 2 ms");
        coordinator.Tell(new QueryServers(2), TestActor);
        var paused = Control(coordinator, new PauseRun(1));
        gates[1].Release();
        var (snapshots, _, held) = AnswersUntilHeld(queries: 1);
        var answers = new[] { first, snapshots[2] };
        var applied = Apply(coordinator, 1, "token", "ring1");
        Control(coordinator, new ResumeRun(2));
        var completed = Completed();

        // assert: the queries answered at barriers in order; the directive applied where the run held, as if given there
        Assert.All(answers, a => Assert.InRange(a.SimulatedTime, a.QueryId * Millisecond, (a.QueryId + 1) * Millisecond - 1));
        Assert.True(paused.Accepted);
        Assert.Equal((true, held.SimulatedTime), (applied.Accepted, applied.SimulatedTime));
        var given = InProcessRun.Run(model, ScenarioLoader.Parse(LongerScenario, "test", ".", model), 1,
            directives: [new Directive(1, held.SimulatedTime, "token", ["ring1"])]);
        Assert.Equal(ResultsCodec.Encode(given), completed.Results);
    }

    [Fact]
    public void Peer_partitions_must_park_at_checkpoints_and_roll_back_to_the_last_when_their_member_is_lost()
    {
        // arrange: a partition held inside an event past 2 ms until the loss is said
        var gate = new MidRunGate(2 * Millisecond);
        var model = new RingModel(6, Latency, gate.OnHandle);
        StartRun(model, 2, localThreads: 0, maxMemberLosses: 1, scenario: LongerScenario + "kernel.checkpoint-interval = 500us\n");

        // act: lost 2 ms into the run, after checkpoints at about 0.5, 1, 1.5 and 2 ms
        LoseTheMemberWhileHeld(gate);
        var checkpoints = new List<CheckpointTaken>();
        var restart = ((RunProgress)FishForMessage<object>(m =>
        {
            if (m is CheckpointTaken c) checkpoints.Add(c);
            return m is RunProgress { Restart: not null };
        }, TimeSpan.FromSeconds(90))).Restart!;

        // assert: the attempt after the loss starts at the last checkpoint and ends as the run that lost nothing
        var (_, completed) = ProgressAndResults();
        Assert.InRange(checkpoints.Count, 3, 4);
        Assert.InRange(restart.From.SimulatedTime, 3 * Millisecond / 2, restart.LostAt);
        Assert.Equal(Undisturbed(model, LongerScenario), completed.Results);
    }
}
