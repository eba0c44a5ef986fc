using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit.Xunit2;
using DcSim.Runner.Service;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests.Service;

/// <summary>
/// An experiment starts once the sharding coordinator knows a partition region on every member up, so that a submission right after
/// workers joined does not put two partitions on one member (a probe stands in for the region, another for the coordinator).
/// </summary>
public sealed class ExperimentPlacementSpec : TestKit
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dcsim-placement-").FullName;

    private static ScenarioSettings Tiny => ScenarioLoader.Parse("name = tiny\nduration = 1ms\n", "tiny.conf", ".", ActorsHost.FabricModel.Instance);

    private static CurrentRegions Regions(int count) =>
        new([.. Enumerable.Range(0, count).Select(i => new Address("akka.tcp", "dcsim", "127.0.0.1", 2551 + i))]);

    [Fact]
    public void An_experiment_must_wait_until_every_member_up_has_a_partition_region()
    {
        // arrange
        var coordinator = CreateTestProbe();
        var region = CreateTestProbe();
        var registry = Sys.ActorOf(ExperimentRegistry.Props(coordinator.Ref, _folder, () => 3, region.Ref));

        // act: submitted with 3 members up; the sharding coordinator knows 2 regions, then 3
        registry.Tell(new SubmitExperiment(Tiny, ".", null, null));
        ExpectMsg<ExperimentView>();
        region.ExpectMsg<GetCurrentRegions>();
        region.Reply(Regions(2));
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        region.ExpectMsg<GetCurrentRegions>();   // asked again
        region.Reply(Regions(3));
        var start = coordinator.ExpectMsg<StartExperiment>();

        // assert
        Assert.Equal(3, start.Partitions);
    }

    [Fact]
    public void An_experiment_stopped_while_waiting_for_regions_must_never_start_and_the_next_must()
    {
        // arrange
        var coordinator = CreateTestProbe();
        var region = CreateTestProbe();
        var registry = Sys.ActorOf(ExperimentRegistry.Props(coordinator.Ref, _folder, () => 2, region.Ref));
        registry.Tell(new SubmitExperiment(Tiny, ".", null, "first"));
        var first = ExpectMsg<ExperimentView>();
        registry.Tell(new SubmitExperiment(Tiny, ".", 1, "second"));
        var second = ExpectMsg<ExperimentView>();
        region.ExpectMsg<GetCurrentRegions>();

        // act
        registry.Tell(new ControlExperiment(first.Id, ExperimentAction.Stop));
        FishForMessage(m => m is ExperimentView);
        region.Reply(Regions(2));
        var start = coordinator.ExpectMsg<StartExperiment>();
        registry.Tell(new GetExperiment(first.Id));
        var stopped = ExpectMsg<ExperimentView>();
        registry.Tell(new GetExperiment(second.Id));
        var running = ExpectMsg<ExperimentView>();

        // assert
        Assert.Equal((1, ExperimentState.Stopped, ExperimentState.Running), (start.Partitions, stopped.State, running.State));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_folder, recursive: true);
    }
}
