using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.ActorsHost.Tests.Scenario;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// A VM that migrates to a server of another partition: its state leaves as bytes with its last round and it runs on there, and the
/// results do not depend on where it ran — the same bytes on one partition, on two (source and destination apart) and on three, and
/// when every partition is restored from a checkpoint while the VM is on its way. Containers that move, likewise.
/// </summary>
public sealed class CrossPartitionMigrationSpec(ITestOutputHelper output)
{
    /// <summary>The run on one partition, and the encoded results on one, two and three.</summary>
    private static (ResultsBuilder One, List<byte[]> Encoded) OnOneTwoAndThreePartitions(ScenarioSettings scenario)
    {
        var one = InProcessRun.Run(FabricModel.Instance, scenario);
        return (one, [ResultsCodec.Encode(one), .. Enumerable.Range(2, 2).Select(p => ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, p)))]);
    }

    private static ComponentCounters MigrationOf(ResultsBuilder results) => results.Components.Values.Single(c => c.Kind == MigrationResults.Kind);

    /// <summary>That host 0 and host 2 are on different partitions when <paramref name="scenario"/> runs on two, as the tests need.</summary>
    private static void AssertHostsApartOnTwo(ScenarioSettings scenario)
    {
        var two = FabricModel.Instance.Layout(scenario, 2);
        Assert.NotEqual(two.PartitionOfLp[0], two.PartitionOfLp[2]);
    }

    [Theory]
    [InlineData("migration-ovs.conf")]
    [InlineData("migration-sriov.conf")]
    public void A_VM_moving_to_another_partition_must_give_the_results_of_one_partition(string file)
    {
        // arrange: web-0 moves from host 0 (leaf 0) to host 2 (leaf 1): on two partitions the leaves are apart
        var scenario = ExampleScenarios.Load(file, "duration = 1700ms");
        AssertHostsApartOnTwo(scenario);

        // act
        var (one, results) = OnOneTwoAndThreePartitions(scenario);

        // assert: the VM ran on at host 2, the UDP stream and the request-response loop with it, and nothing differs
        var m = MigrationOf(one);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal(1, m[MigrationResults.HandedOver]);
        Assert.Equal(1, one.Components["host2/vm-dock"]["vms_arrived"]);
        Assert.True(VirtualizedRuns.DeliveredAround(one, 0, 2) > 1000);
        Assert.True(new RunSummary(one).Conserved);
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
    }

    /// <summary>
    /// web-0 runs a container of each network (bridge with NAT and a published port, macvlan, host) and one that starts after the
    /// move, and sends traffic of its own; it moves from host 0 (leaf 0) to host 2 (leaf 1) at 5 ms and resumes at ~20 ms.
    /// </summary>
    private const string ContainersInside = """
        seed = 3
        duration = 40ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        servers { hypervisor = kvm }
        costs {
          hypervisor.kvm { boot-cycles = 2500000, boot-delay = 200us }
          runtime.docker { netns-setup = 20us, start-delay = 100us }
          runtime.lxc { netns-setup = 10us, start-delay = 50us }
        }
        vms = [ { name = web, hosts = [0], vcpus = 2, memory = 4MiB, writable-working-set = 1MiB, dirty-rate = 50MB/s, start = 100us } ]
        containers = [
          { name = app, vms = [web-0], network = bridge, publish = ["5005:5005/udp"] }
          { name = mv, vms = [web-0], network = macvlan, runtime = lxc }
          { name = hn, vms = [web-0], network = host }
          { name = late, vms = [web-0], network = bridge, start = 25ms }
        ]
        traffic.generators = [
          { kind = udp-rr, hosts = [3], destination = fixed, target = app-0, start = 1ms, udp-rr.timeout = 300us }
          { kind = cbr, hosts = [1], destination = fixed, target = mv-0, rate = 100Mbps, start = 1ms }
          { kind = tcp-rr, hosts = [2], destination = fixed, target = hn-0, start = 1ms }
          { kind = poisson, endpoints = [hn], rate = 50Mbps, destination = fixed, target = 3, start = 1ms }
          { kind = udp-rr, endpoints = [late], destination = fixed, target = 1, start = 26ms, udp-rr.timeout = 300us }
        ]
        migration.max-bandwidth = ""
        migrations = [ { at = 5ms, vm = web-0, to = host2 } ]
        """;

    [Fact]
    public void A_VM_with_containers_of_every_network_must_move_to_another_partition_with_the_results_of_one_partition()
    {
        // arrange
        var scenario = VirtualizedRuns.Parse(ContainersInside);
        AssertHostsApartOnTwo(scenario);

        // act
        var (one, results) = OnOneTwoAndThreePartitions(scenario);

        // assert: moved and running on host 2, where the container created after the move started and answered
        var m = MigrationOf(one);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.True(m[MigrationResults.EndPs] < 25 * SimTime.Millisecond);
        var late = VirtualizedRuns.Loop(one, 4);
        output.WriteLine($"late-0: {late.Transactions} transactions, {late.Requests} requests");
        Assert.True(late.Transactions > 50);
        Assert.True(new RunSummary(one).Conserved);
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
    }

    [Fact]
    public void Containers_moving_to_another_partition_by_restart_and_by_CRIU_must_give_the_results_of_one_partition()
    {
        // arrange: cache-0 restarts from host 0 (leaf 0) on host 2 (leaf 1), db-0 moves by CRIU from host 1 (leaf 0) to host 3 (leaf 1)
        var scenario = ExampleScenarios.Load("migration-container.conf", "duration = 1800ms");
        AssertHostsApartOnTwo(scenario);

        // act
        var (one, results) = OnOneTwoAndThreePartitions(scenario);

        // assert: both ran on at their destinations (the restart after Docker's 568 ms start), nothing differs
        var moves = one.Components.Values.Where(c => c.Kind == MigrationResults.Kind).OrderBy(c => c[MigrationResults.Index]).ToList();
        Assert.All(moves, m => Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]));
        Assert.Equal(2, one.Components["host2/container-dock"]["containers_arrived"] + one.Components["host3/container-dock"]["containers_arrived"]);
        Assert.InRange(moves[0][MigrationResults.DowntimePs], 568 * SimTime.Millisecond, 569 * SimTime.Millisecond);
        Assert.True(VirtualizedRuns.DeliveredAround(one, 0, 2) > 0 && VirtualizedRuns.DeliveredAround(one, 1, 2) > 0);
        Assert.True(new RunSummary(one).Conserved);
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
    }

    [Fact]
    public void A_resume_delay_shorter_than_the_path_between_the_servers_must_be_raised_to_it_on_any_partitioning()
    {
        // arrange: no resume delay, as the SimGrid comparison sets it
        var scenario = ExampleScenarios.Load("migration-ovs.conf", "duration = 1700ms, migration.resume-delay = 0s");
        AssertHostsApartOnTwo(scenario);

        // act
        var one = InProcessRun.Run(FabricModel.Instance, scenario);
        var two = InProcessRun.Run(FabricModel.Instance, scenario, 2);

        // assert: the VM's arrival, a message from host 0 to host 2 in another partition, kept the lookahead; nothing differs
        var m = MigrationOf(one);
        Assert.Equal((long)MigrationPhase.Completed, m[MigrationResults.Phase]);
        Assert.Equal(1, one.Components["host2/vm-dock"]["vms_arrived"]);
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(two));
    }

    [Fact]
    public void Restoring_every_partition_while_the_VM_is_on_its_way_must_not_change_the_results()
    {
        // arrange: when the VM leaves host 0 and when it resumes on host 2 (its state a parcel in between, held by host 2's partition)
        var scenario = ExampleScenarios.Load("migration-ovs.conf", "duration = 1700ms");
        AssertHostsApartOnTwo(scenario);
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
        var scenario = ExampleScenarios.Load("migration-ovs.conf", "duration = 1700ms");
        var resumed = MigrationOf(InProcessRun.Run(FabricModel.Instance, scenario))[MigrationResults.EndPs];
        var cut = ExampleScenarios.Load("migration-ovs.conf", $"duration = {(resumed - 3 * SimTime.Millisecond) / SimTime.Microsecond}us");

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
