using Akka.Actor;
using Akka.Remote;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>Run-until, the held time, and directives applied there (the shell's actions, in virtual time).</summary>
public sealed partial class WindowCoordinatorSpec
{
    /// <summary>
    /// A <see cref="LocalRegion"/> that holds back what is sent through it (inits, abandons) until it is told to open: the run is
    /// initialising until then. Its partitions are its region's children, p0, p1, ...
    /// </summary>
    private sealed class GatedRegion : ReceiveActor
    {
        public sealed record Open;

        public GatedRegion(IModelFactory model)
        {
            var region = Context.ActorOf(Props.Create(() => new LocalRegion(model)), "region");
            var held = new List<(object Message, IActorRef Sender)>();
            Receive<Open>(_ =>
            {
                foreach (var (message, sender) in held) region.Tell(message, sender);
                Become(() => ReceiveAny(region.Forward));
            });
            ReceiveAny(m => held.Add((m, Sender)));
        }
    }

    /// <summary>
    /// Starts the long ring run and, while it is surely still initialising, sends <paramref name="first"/> (a control, or a directive) and
    /// waits for its answer; then lets the partitions be built.
    /// </summary>
    private (IActorRef Coordinator, object Answer) StartRun(IModelFactory model, int partitions, object first, int maxMemberLosses = 0,
        string scenario = LongScenario)
    {
        var gate = Sys.ActorOf(Props.Create(() => new GatedRegion(model)));
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(gate, model, maxMemberLosses));
        coordinator.Tell(new StartExperiment(scenario, ".", partitions), TestActor);
        coordinator.Tell(first, TestActor);
        var answer = FishForMessage<object>(m => m is RunControlled or DirectiveApplied, TimeSpan.FromSeconds(10));
        gate.Tell(new GatedRegion.Open());
        return (coordinator, answer);
    }

    private RunControlled Control(IActorRef coordinator, object control)
    {
        coordinator.Tell(control, TestActor);
        return FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Returns once <paramref name="coordinator"/> has handled every message sent to it before: it answers a resume of a run that is
    /// not paused at once (refused), after them. A test that must know its query was read before it lets a held run go on calls it.
    /// </summary>
    private void AllHandled(IActorRef coordinator)
    {
        var answer = Control(coordinator, new ResumeRun(-1));
        Assert.Equal((false, "running"), (answer.Accepted, answer.State));
    }

    /// <summary>
    /// What came back, in whatever order, until the run is held and <paramref name="queries"/> queries are answered: snapshots by query
    /// id and control answers. A run that ends instead fails the test.
    /// </summary>
    private (Dictionary<long, ServersSnapshot> Snapshots, List<RunControlled> Controls, RunHeld Held) AnswersUntilHeld(int queries)
    {
        var (snapshots, controls) = (new Dictionary<long, ServersSnapshot>(), new List<RunControlled>());
        RunHeld? held = null;
        while (held is null || snapshots.Count < queries)
        {
            switch (FishForMessage<object>(m => m is ServersSnapshot or RunControlled or RunHeld or ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(10)))
            {
                case ServersSnapshot s: snapshots.Add(s.QueryId, s); break;
                case RunControlled c: controls.Add(c); break;
                case RunHeld h: held = h; break;
                case var end: throw new Xunit.Sdk.XunitException($"the run was never held: {end}");
            }
        }
        return (snapshots, controls, held);
    }

    private RunHeld HeldAt(IActorRef coordinator, long until)
    {
        var answer = Control(coordinator, new RunUntil(6, until));
        Assert.Equal((true, "running", $"holds at {until} ps"), (answer.Accepted, answer.State, answer.Detail));
        return FishForMessage<RunHeld>(_ => true, TimeSpan.FromSeconds(30));
    }

    private DirectiveApplied Apply(IActorRef coordinator, long id, string verb, params string[] arguments)
    {
        coordinator.Tell(new ApplyDirective(id, verb, arguments), TestActor);
        return FishForMessage<DirectiveApplied>(_ => true, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Pauses a run <paramref name="gate"/> holds inside an event, lets it on to the barrier where it holds, offers it "token ring1"
    /// there, resumes it and waits for its end: what the coordinator answered to each.
    /// </summary>
    private (RunControlled Paused, RunHeld Held, DirectiveApplied Directive, RunControlled Resumed, ExperimentCompleted Completed) PauseTokenAndResume(
        IActorRef coordinator, MidRunGate gate)
    {
        var paused = Control(coordinator, new PauseRun(1));
        gate.Release();
        var held = FishForMessage<RunHeld>(_ => true, TimeSpan.FromSeconds(10));
        var directive = Apply(coordinator, 1, "token", "ring1");
        var resumed = Control(coordinator, new ResumeRun(2));
        return (paused, held, directive, resumed, Completed(TimeSpan.FromMinutes(3)));
    }

    /// <summary>The run's results; a failed run fails the test with its reason.</summary>
    private ExperimentCompleted Completed(TimeSpan? within = null) =>
        FishForMessage<IDcSimMessage>(m => m is ExperimentCompleted or ExperimentFailed, within ?? TimeSpan.FromSeconds(60)) switch
        {
            ExperimentCompleted c => c,
            var other => throw new Xunit.Sdk.XunitException($"run failed: {((ExperimentFailed)other).Reason}"),
        };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_held_at_several_times_must_hold_there_exactly_and_finish_with_the_results_of_a_straight_run(int partitions)
    {
        // arrange
        var model = new RingModel(6, Latency);
        var straight = ResultsCodec.Encode(InProcessRun.Run(model, ScenarioLoader.Parse(LongScenario, "test", ".", model), 1));
        var (coordinator, _) = StartRun(model, partitions, new RunUntil(7, 1_234_567));

        // act: hold at times that cut windows in the middle (windows are 1 us long on 2 or 3 partitions, 250 us on one)
        var held = new[] { 1_500_000_001L, 1_500_000_002L, 3_999_999_999L }.Select(t => HeldAt(coordinator, t)).Prepend(FishForMessage<RunHeld>(_ => true)).ToList();
        coordinator.Tell(new QueryServers(1), TestActor);
        var snapshot = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        var resumed = Control(coordinator, new ResumeRun(1));
        var completed = Completed();

        // assert
        Assert.Equal([1_234_567L, 1_500_000_001L, 1_500_000_002L, 3_999_999_999L], held.Select(h => h.SimulatedTime));
        Assert.Equal(held.Select(h => h.Windows).Order(), held.Select(h => h.Windows));
        Assert.True(resumed.Accepted);
        Assert.True(snapshot.SimulatedTime <= 3_999_999_999L);
        Assert.Equal(straight, completed.Results);
    }

    [Fact]
    public void Pause_sent_while_initialising_must_hold_the_run_at_its_start_where_directives_apply()
    {
        // arrange
        var model = new RingModel(6, Latency);
        var (coordinator, answer) = StartRun(model, 2, new PauseRun(2));

        // act
        var paused = (RunControlled)answer;
        var held = FishForMessage<RunHeld>(_ => true, TimeSpan.FromSeconds(30));
        var applied = Apply(coordinator, 1, "token", "ring3");
        Control(coordinator, new ResumeRun(3));
        var completed = Completed();

        // assert
        Assert.Equal((true, "paused", "holds at the next barrier"), (paused.Accepted, paused.State, paused.Detail));
        Assert.Equal((0L, 0L, 0L), (held.SimulatedTime, held.Windows, held.EventsProcessed));
        Assert.Equal(new DirectiveApplied(1, true, 0, "a token at 0 ps", applied.Entities), applied);
        Assert.Equal(["ring3"], applied.Entities);
        var ring3 = ResultsCodec.Decode(completed.Results).EventsByLp["ring3"];
        Assert.True(ring3 > 0);
    }

    /// <summary>The same directives at the same times, through the actors on <paramref name="partitions"/> partitions.</summary>
    private byte[] RunWithTokens(int partitions)
    {
        var model = new RingModel(6, Latency);
        var (coordinator, _) = StartRun(model, partitions, new RunUntil(8, 700_000_001));
        FishForMessage<RunHeld>(_ => true, TimeSpan.FromSeconds(30));
        Assert.True(Apply(coordinator, 1, "token", "ring1").Accepted);
        Assert.True(Apply(coordinator, 2, "token", "ring4").Accepted);
        HeldAt(coordinator, 2_000_000_000);
        Assert.True(Apply(coordinator, 3, "token", "ring1").Accepted);
        Assert.True(Control(coordinator, new ResumeRun(4)).Accepted);
        return Completed().Results;
    }

    [Fact]
    public void Directives_must_give_the_same_results_on_one_and_on_two_partitions()
    {
        // arrange
        var model = new RingModel(6, Latency);
        var without = ResultsCodec.Encode(InProcessRun.Run(model, ScenarioLoader.Parse(LongScenario, "test", ".", model), 1));

        // act
        var one = RunWithTokens(1);
        var two = RunWithTokens(2);

        // assert: the tokens changed the run, the same way on both
        Assert.NotEqual(without, one);
        Assert.Equal(one, two);
        var events = ResultsCodec.Decode(one).EventsByLp.Values.Sum();
        Assert.True(events > ResultsCodec.Decode(without).EventsByLp.Values.Sum() + 3_000, $"{events} events");
    }

    [Fact]
    public void Directives_must_be_refused_when_not_held_unknown_refused_by_their_LP_or_repeated()
    {
        // arrange
        var model = new RingModel(6, Latency);
        var stranger = CreateTestProbe();

        // act: the first directive while the run is initialising
        var (coordinator, answer) = StartRun(model, 3, new ApplyDirective(1, "token", ["ring1"]));
        var notHeld = (DirectiveApplied)answer;
        var held = HeldAt(coordinator, 2_000_000_000);
        var unknown = Apply(coordinator, 2, "token", "ring9");
        var refused = Apply(coordinator, 3, "token", "ring2", "ring3");
        var applied = Apply(coordinator, 4, "token", "ring2");
        var repeated = Apply(coordinator, 4, "token", "ring2");
        coordinator.Tell(new ApplyDirective(5, "token", ["ring2"]), stranger.Ref);
        var foreign = stranger.ExpectMsg<DirectiveApplied>(TimeSpan.FromSeconds(10));
        var past = Control(coordinator, new RunUntil(9, 2_000_000_000));
        Control(coordinator, new StopRun(5));
        var idle = Apply(coordinator, 6, "token", "ring2");

        // assert
        Assert.Equal(new DirectiveApplied(1, false, -1, "the run is not held at a barrier: pause it or run until a time first", notHeld.Entities), notHeld);
        Assert.Equal(2_000_000_000, held.SimulatedTime);
        Assert.Equal((false, 2_000_000_000L, "nothing in the model takes 'token' with arguments 'ring9'"), (unknown.Accepted, unknown.SimulatedTime, unknown.Detail));
        Assert.Equal((false, "token takes one argument, an LP: 'ring3' is one too many"), (refused.Accepted, refused.Detail));
        Assert.Equal((true, "a token at 2000000000 ps", "ring2"), (applied.Accepted, applied.Detail, applied.Entities.Single()));
        Assert.Equal((false, "directive id 4 was used already in this run: each directive needs a new one"), (repeated.Accepted, repeated.Detail));
        Assert.Equal((false, "the running experiment belongs to another client"), (foreign.Accepted, foreign.Detail));
        Assert.Equal((false, "paused", "simulated time 2000000000 ps is not after 2000000000 ps, where the run holds"), (past.Accepted, past.State, past.Detail));
        Assert.Equal((false, "no experiment is running"), (idle.Accepted, idle.Detail));
    }

    /// <summary>
    /// A run with tokens at 1.2 ms and 2.2 ms, held at 2.3 ms; checkpointed every 500 us, the first token is applied before the checkpoint
    /// at 1.5 ms and the second after the one at 2 ms. When <paramref name="loseMember"/>, the member of every partition is lost there.
    /// </summary>
    private (byte[] Results, RunRestart? Restart, RunHeld? HeldAgain) RunWithTokensAcrossALoss(string scenario, bool loseMember)
    {
        var model = new RingModel(6, Latency);
        var (coordinator, _) = StartRun(model, 3, new RunUntil(1, 1_200_000_001), maxMemberLosses: 1, scenario);
        FishForMessage<RunHeld>(_ => true, TimeSpan.FromSeconds(30));
        Assert.True(Apply(coordinator, 1, "token", "ring1").Accepted);
        HeldAt(coordinator, 2_200_000_001);
        Assert.True(Apply(coordinator, 2, "token", "ring4").Accepted);
        HeldAt(coordinator, 2_300_000_000);
        RunRestart? restart = null;
        RunHeld? again = null;
        if (loseMember)
        {
            var self = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
            Sys.EventStream.Publish(new DisassociatedEvent(self, self, inbound: false));
            restart = ((RunProgress)FishForMessage<object>(m => m is RunProgress { Restart: not null }, TimeSpan.FromSeconds(30))).Restart;
            again = FishForMessage<RunHeld>(_ => true, TimeSpan.FromSeconds(30));
        }
        Assert.True(Control(coordinator, new ResumeRun(3)).Accepted);
        return (Completed().Results, restart, again);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Directives_applied_after_the_recovery_point_must_apply_again_after_a_member_loss_and_give_the_uninterrupted_results(bool checkpointed)
    {
        // arrange
        var scenario = checkpointed ? CheckpointedScenario : LongScenario;
        var (uninterrupted, _, _) = RunWithTokensAcrossALoss(scenario, loseMember: false);

        // act
        var (restarted, restart, heldAgain) = RunWithTokensAcrossALoss(scenario, loseMember: true);

        // assert: back to the 2 ms checkpoint (which holds the first token, not the second) or to the start (which holds neither), held
        // again where it was, and the results of the run that lost nothing
        if (checkpointed) Assert.InRange(restart!.From.SimulatedTime, 1_500_000_000, 2_200_000_000);
        else Assert.Equal(RecoveryPoint.Start, restart!.From);
        Assert.Equal(2_300_000_000, heldAgain!.SimulatedTime);
        Assert.Equal(uninterrupted, restarted);
    }
}
