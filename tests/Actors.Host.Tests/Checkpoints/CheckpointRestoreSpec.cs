using System.Diagnostics;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.ActorsHost.Tests.Scenario;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Checkpoints;

/// <summary>
/// A run whose partitions are checkpointed at window barriers and replaced by the copies restored from those checkpoints
/// must give the same result bytes as an undisturbed run: the checkpoint holds all of the model's state. Every example
/// scenario is run (shortened), so each model feature it uses — OVS caches, SR-IOV, TCP, VMs, containers, NAT, a live
/// migration in progress — is covered.
/// </summary>
public sealed class CheckpointRestoreSpec(ITestOutputHelper output)
{
    [Theory]
    [InlineData("determinism.conf", "kernel.progress-interval = 100us", 1, 300)]
    [InlineData("determinism.conf", "", 3, 500)]
    [InlineData("vswitch-kernel.conf", "", 1, 1_000)]
    // An OpenFlow action compared by reference with a static flow-field descriptor (F.VlanTci) after the restore.
    [InlineData("vswitch-kernel.conf", "topology.vswitch.rule-changes = [ { at = 1ms, add = \"priority=300,udp,in_port=2,actions=set_field:0x1064->vlan_tci,output:1\" } ]", 1, 500)]
    [InlineData("leaf-spine-small.conf", "duration = 30ms, traffic.generators = [ { kind = poisson, hosts = all, rate = 500Mbps, stop = 30ms } ]", 2, 5_000)]
    [InlineData("felter-2015.conf", "", 1, 20_000)]
    [InlineData("ovs-vs-sriov.conf", "", 1, 10_000_000)]
    [InlineData("tcp/websearch-30.conf", "duration = 60ms", 1, 10_000)]
    [InlineData("migration-ovs.conf", "duration = 700ms", 1, 37_000)]
    [InlineData("migration-sriov.conf", "duration = 700ms", 1, 37_000)]
    [InlineData("migration-container.conf", "", 1, 23_000)]
    public void Results_must_not_change_when_partitions_are_restored_from_checkpoints(string file, string overrides, int partitions, long everyMicroseconds)
    {
        // arrange
        var scenario = ExampleScenarios.Load(file, overrides);
        var clock = Stopwatch.StartNew();
        var undisturbed = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions));
        var plain = clock.Elapsed;

        // act: every partition restored from its checkpoint at the first barrier, then at the first after each interval
        clock.Restart();
        var restores = 0;
        var next = 0L;
        var restored = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions, start =>
        {
            if (start < next) return false;
            next = start + everyMicroseconds * SimTime.Microsecond;
            restores++;
            return true;
        }));

        // assert
        output.WriteLine($"{file} on {partitions} partition(s): {restores} restores, {plain.TotalSeconds:0.00} s plain, {clock.Elapsed.TotalSeconds:0.00} s restored");
        Assert.True(restores >= 3, $"only {restores} restores: the test must cut the run several times");
        Assert.Equal(undisturbed, restored);
    }

    [Fact]
    public void A_checkpoint_must_say_how_big_the_state_is()
    {
        var scenario = ExampleScenarios.Load("determinism.conf", "");
        var part = FabricModel.Instance.BuildPartition(scenario, 1, 0);
        part.Start();

        var bytes = PartitionCheckpoint.Save(part, out var size);

        output.WriteLine(size.ToString());
        Assert.Equal(17, size.Lps);
        Assert.Equal(bytes.Length, size.CompressedBytes);
        Assert.True(size.StateBytes > 2 * size.CompressedBytes, "the state compresses");
        Assert.Equal(part.NextEventTime, PartitionCheckpoint.Restore(bytes).NextEventTime);
    }
}
