using Akka.Actor;
using Akka.TestKit.Xunit2;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>The whole window protocol in one ActorSystem: coordinator, partitions, batches.</summary>
public sealed class WindowCoordinatorSpec : TestKit
{
    private const long Latency = 1_000_000;

    /// <summary>Stands in for the shard region: creates partition actors on demand by index.</summary>
    private sealed class LocalRegion : ReceiveActor
    {
        public LocalRegion(IModelFactory model)
        {
            Receive<InitPartition>(init =>
            {
                var name = $"p{init.Index}";
                var child = Context.Child(name);
                if (child.IsNobody()) child = Context.ActorOf(PartitionActor.Props(model), name);
                child.Forward(init);
            });
        }
    }

    private ExperimentCompleted RunThroughActors(IModelFactory model, int partitions)
    {
        var region = Sys.ActorOf(Props.Create(() => new LocalRegion(model)));
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(region, model));
        coordinator.Tell(new StartExperiment(PartitionActorSpec.Scenario, ".", partitions), TestActor);
        return FishForMessage<IDcSimMessage>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(30)) switch
        {
            ExperimentCompleted c => c,
            var other => throw new Xunit.Sdk.XunitException($"run failed: {((ExperimentFailed)other).Reason}"),
        };
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Actor_runs_must_equal_the_sequential_run_and_keep_every_LP_clock_monotonic(int partitions)
    {
        // arrange
        var model = new RingModel(6, Latency);
        var scenario = ScenarioLoader.Parse(PartitionActorSpec.Scenario, "test", ".", model);
        var sequential = InProcessRun.Run(model, scenario, 1);

        // act
        var completed = RunThroughActors(model, partitions);

        // assert
        var results = ResultsCodec.Decode(completed.Results);
        Assert.Equal(ResultsCodec.Encode(sequential), completed.Results);
        Assert.All(results.Flows.Values, f => Assert.Equal("ok", f.Kind));
        Assert.True(results.EventsByLp.Values.Sum() > 5_000);
        Assert.Equal(partitions, completed.Partitions.Length);
        Assert.Equal(Latency, completed.Lookahead);
        // the ring has a token every ~Latency ps per LP, so almost every window holds events
        Assert.InRange(completed.Windows, 900, 1_001);
    }

    [Fact]
    public void A_query_while_no_run_is_going_on_must_say_so()
    {
        var model = new RingModel(2, Latency);
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(Sys.ActorOf(Props.Create(() => new LocalRegion(model))), model));
        coordinator.Tell(new QueryServers(5), TestActor);
        var answer = ExpectMsg<ServersSnapshot>();
        Assert.Equal(5, answer.QueryId);
        Assert.Equal(-1, answer.SimulatedTime);
    }

    [Fact]
    public void One_partition_must_need_only_progress_windows()
    {
        var completed = RunThroughActors(new RingModel(6, Latency), 1);
        Assert.Equal(long.MaxValue, completed.Lookahead);
        Assert.Equal(1, completed.Windows);
    }
}
