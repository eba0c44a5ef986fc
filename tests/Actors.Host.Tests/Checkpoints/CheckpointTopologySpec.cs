using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Tests.Scenario;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Checkpoints;

/// <summary>
/// A checkpoint holds model state, not topology: the fabric's graph and the routes TCP's ideal transfer times are computed over are
/// named by their settings and rebuilt on restore (RebuiltOnRestore), in the original and in every restored copy.
/// </summary>
public sealed class CheckpointTopologySpec(ITestOutputHelper output)
{
    /// <summary>The types of every object a checkpoint of <paramref name="partition"/> writes (a boundary that cuts nothing).</summary>
    private static HashSet<Type> Written(Partition partition)
    {
        var types = new HashSet<Type>();
        EntityState.Save(partition, o =>
        {
            types.Add(o.GetType());
            return null;
        });
        return types;
    }

    [Fact]
    public void A_tcp_run_s_checkpoint_must_hold_no_routes_and_restore_to_the_same_results()
    {
        // arrange: TCP flows half-way, the fabric's routes built (on first use: a flow's completion)
        var scenario = ExampleScenarios.Load("tcp/websearch-30.conf", "duration = 60ms");
        var straight = FabricModel.Instance.BuildPartition(scenario, 1, 0);
        straight.Start();
        straight.RunUntil(20_000_000_000);
        Assert.NotNull(FabricGraph.Of(scenario.Datacenter().Topology).Routes);

        // act
        var bytes = PartitionCheckpoint.Save(straight, out var size);
        var restored = PartitionCheckpoint.Restore(bytes);
        var again = PartitionCheckpoint.Save(restored, out var sizeAgain);
        straight.RunUntil(scenario.DurationPs);
        restored.RunUntil(scenario.DurationPs);

        // assert: no routes, no graph's switch lists, in the first checkpoint nor in the restored copy's; the results are the same bytes
        output.WriteLine($"{size}; restored: {sizeAgain}");
        foreach (var types in new[] { Written(straight), Written(PartitionCheckpoint.Restore(again)) })
        {
            Assert.DoesNotContain(typeof(FabricRoutes), types);
            Assert.DoesNotContain(typeof(List<FabricPort>), types);
        }
        var a = straight.Report(scenario.DurationPs);
        Assert.NotEmpty(a.Flows);
        Assert.Equal(ResultsCodec.Encode(a), ResultsCodec.Encode(restored.Report(scenario.DurationPs)));
    }
}
