using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// A VM that migrates to a server of another partition: its state leaves as bytes with its last round and it runs on there, and the
/// results do not depend on where it ran — the same bytes on one partition, on two (source and destination apart) and on three, and
/// when every partition is restored from a checkpoint while the VM is on its way.
/// </summary>
public sealed class CrossPartitionMigrationSpec(ITestOutputHelper output)
{
    private static readonly string Scenarios = Path.Combine(RepoRoot(), "config", "scenarios");

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "DcSim.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("no DcSim.sln above the test binaries");
        return dir;
    }

    private static ScenarioSettings Load(string file, string overrides)
    {
        var path = Path.Combine(Scenarios, file);
        return ScenarioLoader.Parse(File.ReadAllText(path) + "\n" + overrides, path, Path.GetDirectoryName(path)!, FabricModel.Instance);
    }

    private static ComponentCounters MigrationOf(ResultsBuilder results) => results.Components.Values.Single(c => c.Kind == MigrationResults.Kind);

    [Theory]
    [InlineData("migration-ovs.conf")]
    [InlineData("migration-sriov.conf")]
    public void A_VM_moving_to_another_partition_must_give_the_results_of_one_partition(string file)
    {
        // arrange: web-0 moves from host 0 (leaf 0) to host 2 (leaf 1): on two partitions the leaves are apart
        var scenario = Load(file, "duration = 1700ms");
        var two = FabricModel.Instance.Layout(scenario, 2);
        Assert.NotEqual(two.PartitionOfLp[0], two.PartitionOfLp[2]);

        // act
        var one = InProcessRun.Run(FabricModel.Instance, scenario);
        var results = Enumerable.Range(1, 3).Select(p => ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, p))).ToList();

        // assert: the VM ran on at host 2, the UDP stream and the request-response loop with it, and nothing differs
        var m = MigrationOf(one);
        output.WriteLine($"{file}: the VM's state travelled in {m[MigrationResults.StateBytes]:N0} bytes");
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal(1, m[MigrationResults.HandedOver]);
        Assert.InRange(m[MigrationResults.StateBytes], 1_000, 200_000);
        Assert.Equal(1, one.Components["host2/vm-dock"]["vms_arrived"]);
        Assert.True(VirtualizedRuns.DeliveredAround(one, 0, 2) > 1000);
        Assert.True(new RunSummary(one).Conserved);
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
    }

    [Fact]
    public void Restoring_every_partition_while_the_VM_is_on_its_way_must_not_change_the_results()
    {
        // arrange: when the VM leaves host 0 and when it resumes on host 2 (its state a parcel in between, held by host 2's partition)
        var scenario = Load("migration-ovs.conf", "duration = 1700ms");
        var undisturbed = InProcessRun.Run(FabricModel.Instance, scenario, 2);
        var m = MigrationOf(undisturbed);
        var resumed = m[MigrationResults.EndPs];
        var leaving = resumed - 5 * SimTime.Millisecond;

        // act: restored at the first barrier after every 250 us from 1 ms before the hand-over to the resumption
        var restores = 0;
        var next = leaving - SimTime.Millisecond;
        var restored = InProcessRun.Run(FabricModel.Instance, scenario, 2, start =>
        {
            if (start < next || start > resumed) return false;
            next = start + 250 * SimTime.Microsecond;
            restores++;
            return true;
        });

        // assert
        output.WriteLine($"{restores} restores between {leaving / 1e9:0.000} ms and {resumed / 1e9:0.000} ms");
        Assert.True(restores > 10, $"only {restores} restores");
        Assert.Equal(ResultsCodec.Encode(undisturbed), ResultsCodec.Encode(restored));
    }

    [Fact]
    public void A_run_ending_while_the_VM_is_on_its_way_must_report_it_from_the_destination()
    {
        // arrange: the run ends 2 ms after the hand-over, 3 ms before the VM would resume on host 2 (its state a parcel there)
        var scenario = Load("migration-ovs.conf", "duration = 1700ms");
        var resumed = MigrationOf(InProcessRun.Run(FabricModel.Instance, scenario))[MigrationResults.EndPs];
        var cut = Load("migration-ovs.conf", $"duration = {(resumed - 3 * SimTime.Millisecond) / SimTime.Microsecond}us");

        // act
        var one = InProcessRun.Run(FabricModel.Instance, cut);
        var two = InProcessRun.Run(FabricModel.Instance, cut, 2);

        // assert: handed over, not arrived; the VM's stacks are in the results (reported by host 2's dock), every packet accounted for
        var m = MigrationOf(one);
        Assert.Equal(1, m[MigrationResults.HandedOver]);
        Assert.Equal(0, one.Components["host2/vm-dock"]["vms_arrived"]);
        Assert.Contains(one.Components.Keys, k => k.StartsWith("host0/web-0/", StringComparison.Ordinal) && one.Components[k].Kind == Endpoints.EndpointResults.VmStackKind);
        Assert.True(new RunSummary(one).Conserved);
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(two));
    }
}
