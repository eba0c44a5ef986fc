using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Shell;
using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;
using Xunit.Abstractions;

using static DcSim.ActorsHost.Tests.Shell.DirectiveRuns;

namespace DcSim.ActorsHost.Tests.Shell;

/// <summary>
/// The shell's <c>migrate VM SERVER</c>: a live migration started at a held run's time is the migration the scenario would plan at that
/// time — the same downtime, times and bytes —, the same on one partition and on two (source and destination apart), carried over
/// checkpoints taken while it runs, and refused, naming what is wrong, where the scenario's check would refuse it.
/// </summary>
public sealed class ShellMigrateSpec(ITestOutputHelper output)
{
    private static readonly long Start = 20 * SimTime.Millisecond;

    /// <summary>
    /// Four KVM servers on two leaves, VMs on Linux bridges: web-0 (16 MiB, dirtying 20 MB/s) on host 0 gets a UDP stream from host 3; db-0
    /// runs on host 2, so host 2 has a bridge for web-0 to arrive at.
    /// </summary>
    private const string Rack = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        duration = 300ms
        servers { hypervisor = kvm }
        vms = [
          { name = web, hosts = [0], memory = 16MiB, writable-working-set = 2MiB, dirty-rate = 20MB/s }
          { name = db, hosts = [2], memory = 16MiB }
        ]
        traffic.generators = [ { kind = cbr, hosts = [3], destination = fixed, target = web-0, rate = 100Mbps, start = 5ms } ]

        """;

    private static ScenarioSettings Scenario(string extra = "") => VirtualizedRuns.Parse(Rack + extra);

    private static ComponentCounters MigrationOf(ResultsBuilder results) => results.Components.Values.Single(c => c.Kind == MigrationResults.Kind);

    [Theory]
    [InlineData("", "")]
    [InlineData(" mode post-copy", ", mode = post-copy")]
    public void A_directive_migration_must_give_the_figures_of_the_same_migration_planned(string options, string keys)
    {
        // arrange
        var planned = Scenario($"migrations = [ {{ at = 20ms, vm = web-0, to = host2{keys} }} ]\n");

        // act
        var (directed, applied) = Run(Scenario(), 1, At(Start, 4, "migrate web-0 host2" + options));
        var (scenario, _) = Run(planned, 1);

        // assert: the same migration, numbered 4 (no planned ones, directive 4), with everything else equal
        var outcome = Assert.Single(applied)!;
        Assert.True(outcome.Accepted, outcome.Detail);
        Assert.Equal(["host0/migration4", "host2/vm-dock"], outcome.Entities);
        var d = MigrationOf(directed);
        var p = MigrationOf(scenario);
        foreach (var (k, v) in d.Values.OrderBy(x => x.Key)) output.WriteLine($"{k} = {v} (planned: {p[k]})");
        Assert.Equal((long)MigrationPhase.Completed, d[MigrationResults.Phase]);
        Assert.Equal((4L, 0L), (d[MigrationResults.Index], p[MigrationResults.Index]));
        Assert.Equal(p.Values.Where(v => v.Key != MigrationResults.Index).OrderBy(v => v.Key), d.Values.Where(v => v.Key != MigrationResults.Index).OrderBy(v => v.Key));
        Assert.Equal(1, directed.Components["host2/vm-dock"]["vms_arrived"]);
        // The stream after the move reaches web-0 on host 2 as it does after the planned move.
        var flow = VirtualizedRuns.FlowOf(directed);
        Assert.Equal(VirtualizedRuns.FlowOf(scenario).DeliveredPackets, flow.DeliveredPackets);
        Assert.True(VirtualizedRuns.DeliveredAround(directed, 4, 2) > 1000);
        Assert.True(new RunSummary(directed).Conserved);
    }

    [Fact]
    public void A_directive_migration_must_give_the_same_results_on_one_and_on_two_partitions()
    {
        // arrange: host 0 and host 2 are on different leaves, in different partitions on two; a ping crosses the spine during the move
        var scenario = Scenario();
        var two = FabricModel.Instance.Layout(scenario, 2);
        Assert.NotEqual(two.PartitionOfLp[0], two.PartitionOfLp[2]);
        Directive[] directives = [At(Start, 1, "migrate web-0 host2 max-bandwidth 256MiB/s"), At(Start + 123, 2, "ping host1 web-0 count 100 interval 1ms")];

        // act
        var one = Run(scenario, 1, directives);
        var split = Run(scenario, 2, directives);

        // assert
        Assert.All(one.Applied, a => Assert.True(a!.Accepted, a.Detail));
        Assert.Equal(ResultsCodec.Encode(one.Results), ResultsCodec.Encode(split.Results));
        Assert.Equal((long)MigrationPhase.Completed, MigrationOf(one.Results)[MigrationResults.Phase]);
        var ping = one.Results.Components["host1/shell/ping-2"];
        output.WriteLine($"ping: {ping["received"]} of {ping["sent"]} answered, {ping["lost"]} lost");
        // The requests that reach web-0 while it is stopped are lost (still waiting for their echo at the end); the others are answered.
        Assert.Equal((100L, 92L), (ping["sent"], ping["received"]));
    }

    [Fact]
    public void A_directive_migration_must_carry_over_checkpoints_taken_while_it_runs()
    {
        // arrange: the partitions are checkpointed and rebuilt during the pre-copy (before the destination heard of the move too) and
        // around the stop-and-copy
        Directive[] directives = [At(Start, 1, "migrate web-0 host2")];
        var straight = Run(Scenario(), 2, directives).Results;
        var stop = MigrationOf(straight)[MigrationResults.StopPs];
        long[] points = [Start, Start + SimTime.Microsecond, 60 * SimTime.Millisecond, stop, stop + 3 * SimTime.Millisecond];
        var taken = new HashSet<long>();

        // act
        var restored = InProcessRun.Run(FabricModel.Instance, Scenario(), 2, directives: directives,
            restoreAt: t => points.Where(p => p <= t).Any(taken.Add));

        // assert
        Assert.Equal(points.Length, taken.Count);
        Assert.Equal(ResultsCodec.Encode(straight), ResultsCodec.Encode(restored));
        Assert.Equal((long)MigrationPhase.Completed, MigrationOf(restored)[MigrationResults.Phase]);
    }

    [Fact]
    public void A_VM_must_be_taken_by_the_server_it_runs_on_now_and_refused_while_it_migrates()
    {
        // act: web-0 moves to host 2; while it moves it is refused; once there, host 2 takes it, by its name or its planned path, back to host 0
        var (results, applied) = Run(Scenario(), 2,
            At(Start, 1, "migrate host0/web-0 host2 max-bandwidth 1GiB/s"),
            At(Start + SimTime.Millisecond, 2, "migrate web-0 host1"),
            At(200 * SimTime.Millisecond, 3, "migrate web-0 host0 max-bandwidth 1GiB/s"));

        // assert
        Assert.True(applied[0]!.Accepted, applied[0]!.Detail);
        Assert.Equal("migrate: web-0 is migrating already (migration 1 to host2, host0/migration1)", applied[1]!.Detail);
        Assert.True(applied[2]!.Accepted, applied[2]!.Detail);
        Assert.Equal(["host2/migration3", "host0/vm-dock"], applied[2]!.Entities);
        Assert.Equal((long)MigrationPhase.Completed, results.Components["host0/migration1"][MigrationResults.Phase]);
        Assert.Equal((2L, 0L), (results.Components["host2/migration3"][MigrationResults.From], results.Components["host2/migration3"][MigrationResults.To]));
        Assert.Equal(1, results.Components["host0/vm-dock"]["vms_arrived"]);
        output.WriteLine($"back on host 0 at {results.Components["host2/migration3"][MigrationResults.EndPs] / 1e9:0.000} ms");
    }

    [Theory]
    [InlineData("migrate web-0 host9", "migrate: no server named 'host9' (DST): servers are host0 to host3")]
    [InlineData("migrate web-0 db-0", "migrate: 'db-0' is a VM or container: migrations go to servers (DST)")]
    [InlineData("migrate web-0 host0", "migrate: web-0 is on host0 already")]
    [InlineData("migrate web-0 host1", "migrate: host1 has no bridge for VMs (none is placed there, none planned to arrive): move VMs there with the scenario's migrations")]
    [InlineData("migrate host3 host2", "migrate: 'host3' is a server: migrate moves a VM to another server (migrate VM SERVER)")]
    [InlineData("migrate web-0 host2 mode fast", "migrate: mode: 'fast' is not one of pre-copy, post-copy")]
    [InlineData("migrate web-0 host2 speed 1", "migrate: unknown option 'speed' (migrate takes preset, mode, downtime-limit, max-bandwidth, max-rounds, max-data-factor, min-pages, stop-when-round-grows, abort-after, page-size, device-state, resume-delay, in-flight)")]
    [InlineData("migrate web-0 host2 downtime-limit 0s", "migrate: downtime-limit: must be greater than 0, got '0s'")]
    public void Bad_migrations_must_be_refused_by_the_server_that_holds_the_VM(string line, string detail)
    {
        // act
        var (results, applied) = Run(Scenario(), 2, At(Start, 6, line));

        // assert: refused, and nothing started
        var outcome = Assert.Single(applied)!;
        Assert.Equal((false, detail), (outcome.Accepted, outcome.Detail));
        Assert.DoesNotContain(results.Components.Values, c => c.Kind == MigrationResults.Kind);
    }

    [Theory]
    [InlineData("", "migrate: web-0 is not running at 1ms: it starts at 2ms (vms[0].start)", 1)]
    [InlineData("migrations = [ { at = 100ms, vm = web-0, to = host2 } ]\n", "migrate: web-0 has a live migration planned at 100ms (migrations[0]): one migration of a VM at a time", 20)]
    [InlineData("servers.groups = [ { hosts = [2], hypervisor = kvm, memory = 20MiB } ]\n",
        "migrate: host 2 has no room for web-0 (1 vCPUs, 16 MiB) at 20ms: 1 of its 8 vCPUs (cores x vcpu-overcommit) and 16 of its 20 MiB are taken by the VMs placed there and moved by earlier migrations", 20)]
    [InlineData("servers.groups = [ { hosts = [1], hypervisor = none } ]\n",
        "migrate: host 1 has no hypervisor (servers.hypervisor or its group's is none): web-0 cannot run there", 20, "host1")]
    [InlineData("topology.vswitch.enabled = true\nservers.groups = [ { hosts = [2], hypervisor = kvm, vm-switch = ovs } ]\n",
        "migrate: host2 attaches VMs to OVS, whose ports are set when the run starts: move VMs there with the scenario's migrations", 20)]
    public void Migrations_the_scenario_would_refuse_must_be_refused_as_it_would(string extra, string detail, int atMs, string to = "host2")
    {
        // act
        var (_, applied) = Run(Scenario("vms = [ { name = web, hosts = [0], memory = 16MiB, start = 2ms }, { name = db, hosts = [2], memory = 16MiB } ]\n" + extra), 1,
            At(atMs * SimTime.Millisecond, 1, $"migrate web-0 {to}"));

        // assert
        output.WriteLine(applied[0]!.Detail);
        Assert.Equal((false, detail), (applied[0]!.Accepted, applied[0]!.Detail));
    }

    [Fact]
    public void Containers_must_be_refused_naming_how_they_move()
    {
        // arrange: a container on host 1's kernel, one inside web-0
        var scenario = Scenario("containers = [ { name = app, hosts = [1] }, { name = side, vms = [web-0] } ]\n");

        // act
        var (_, applied) = Run(scenario, 1, At(Start, 1, "migrate app-0 host2"), At(Start, 2, "migrate side-0 host2"));

        // assert
        Assert.Equal("migrate: app-0 is a container on host1's own kernel: the shell moves VMs only; move it with the scenario's migrations "
            + "({ at, container = app-0, to, method = restart or criu })", applied[0]!.Detail);
        Assert.Equal("migrate: side-0 is a container: containers move with their VM; migrate web-0, which it runs in", applied[1]!.Detail);
    }
}
