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
/// The shell's ping and iperf applied to a held run (<see cref="InProcessRun"/> applies directives as the coordinator does): on an idle
/// leaf-spine a ping's round trip is exactly twice the one-way path worked out from the link rates, delays and frame sizes (as
/// <see cref="WirePathSpec"/>), iperf fills the host link, and the results are the same on any partitioning.
/// </summary>
public sealed class ShellDirectiveSpec(ITestOutputHelper output)
{
    private const long LinkDelayPs = SimTime.Microsecond; // TestScenarios.Fabric's links

    /// <summary>Hosts 0, 1 on leaf 0; 2, 3 on leaf 1; idle for 30 ms.</summary>
    private static readonly ScenarioSettings Idle = TestScenarios.Scenario(TestScenarios.Fabric(1, 2, 2), 30 * SimTime.Millisecond, 1);

    /// <summary>One way over the fabric: two host links, and two fabric links when the hosts are on different leaves.</summary>
    private static long OneWayPs(int payloadBytes, bool sameLeaf) =>
        2 * (WirePathSpec.LineTimePs(payloadBytes, 10_000_000_000) + LinkDelayPs)
        + (sameLeaf ? 0 : 2 * (WirePathSpec.LineTimePs(payloadBytes, 40_000_000_000) + LinkDelayPs));

    [Theory]
    [InlineData("host1", true)]
    [InlineData("host2", false)]
    public void Ping_on_an_idle_fabric_must_measure_exactly_twice_the_one_way_path(string destination, bool sameLeaf)
    {
        // arrange
        var rtt = 2 * OneWayPs(ShellPing.PayloadBytes, sameLeaf);

        // act: three echo requests 2 ms apart, from 100 us on
        var (results, applied) = Run(Idle, 1, At(100 * SimTime.Microsecond, 7, $"ping host0 {destination} count 3 interval 2ms"));

        // assert
        var outcome = Assert.Single(applied)!;
        Assert.True(outcome.Accepted, outcome.Detail);
        Assert.Equal(["host0/shell/ping-7"], outcome.Entities);
        var ping = results.Components["host0/shell/ping-7"];
        Assert.Equal(ShellApplications.PingKind, ping.Kind);
        Assert.Equal((3L, 3L, 0L, 0L, 1L), (ping["sent"], ping["received"], ping["lost"], ping["late"], ping["done"]));
        Assert.Equal((rtt, rtt, 3 * rtt), (ping["rtt_min_ps"], ping["rtt_max_ps"], ping["rtt_sum_ps"]));
        Assert.Equal((0L, int.Parse(destination[4..])), (ping["source"], ping["destination"]));
    }

    [Fact]
    public void Iperf_must_fill_the_host_link_for_its_duration()
    {
        // act: 10 ms from host0 to host1 (10 Gb/s host links) at 1 ms
        var (results, applied) = Run(Idle, 1, At(SimTime.Millisecond, 1, "iperf host0 host1 duration 10ms"));

        // assert: TCP goodput over 1500 B frames is 1448 / 1538 of the line rate at best; slow start costs a little of 10 ms
        Assert.True(Assert.Single(applied)!.Accepted);
        var iperf = results.Components["host0/shell/iperf-1"];
        Assert.Equal(ShellApplications.IperfKind, iperf.Kind);
        Assert.Equal((SimTime.Millisecond, 11 * SimTime.Millisecond, 1L), (iperf["start_ps"], iperf["end_ps"], iperf["done"]));
        var goodput = 10e9 * 1448 / 1538;
        output.WriteLine($"iperf: {iperf["throughput_bps"] / 1e9:0.000} Gb/s, {iperf["bytes_acked"]} B acknowledged in 10 ms ({iperf["throughput_bps"] / goodput:P1} of TCP's goodput on the link)");
        Assert.InRange(iperf["throughput_bps"], 0.85 * goodput, goodput);
        Assert.Equal(iperf["bytes_acked"] * 8 * 100, iperf["throughput_bps"], 1e-6 * iperf["throughput_bps"] + 1);
    }

    [Fact]
    public void Directives_must_give_the_same_results_on_one_and_on_three_partitions()
    {
        // arrange: a ping and an iperf that cross the spine while the other runs
        Directive[] directives =
        [
            At(SimTime.Millisecond, 1, "iperf host3 host0 duration 5ms"),
            At(SimTime.Millisecond, 2, "ping host1 host2 count 10 interval 500us"),
            At(2 * SimTime.Millisecond + 123, 3, "ping host2 host1"),
        ];

        // act
        var one = Run(Idle, 1, directives);
        var three = Run(Idle, 3, directives);

        // assert
        Assert.All(one.Applied, a => Assert.True(a!.Accepted, a.Detail));
        Assert.Equal(ResultsCodec.Encode(one.Results), ResultsCodec.Encode(three.Results));
        Assert.True(one.Results.Components["host1/shell/ping-2"]["rtt_max_ps"] > 2 * OneWayPs(ShellPing.PayloadBytes, sameLeaf: false),
            "the ping queues behind the iperf's segments on the spine");
    }

    [Fact]
    public void Directives_must_carry_over_checkpoints_taken_while_they_run()
    {
        // arrange
        Directive[] directives = [At(SimTime.Millisecond, 1, "iperf host0 host3 duration 3ms"), At(SimTime.Millisecond, 2, "ping host2 host1 count 4 interval 1ms")];
        var straight = ResultsCodec.Encode(Run(Idle, 2, directives).Results);

        // act: every partition is checkpointed and rebuilt from its checkpoint at every barrier from 1 ms on
        var restored = InProcessRun.Run(FabricModel.Instance, Idle, 2, restoreAt: t => t >= SimTime.Millisecond, directives: directives);

        // assert
        Assert.Equal(straight, ResultsCodec.Encode(restored));
        Assert.Equal((1L, 1L), (restored.Components["host2/shell/ping-2"]["done"], restored.Components["host0/shell/iperf-1"]["done"]));
    }

    [Fact]
    public void Ping_must_take_VMs_by_name_or_path_and_be_taken_by_the_server_that_holds_the_source()
    {
        // arrange: two KVM VMs on host 1, running from 2 ms
        var scenario = VirtualizedRuns.Parse(VirtualizedRuns.TwoServers + "duration = 10ms\n"
            + "servers.groups = [ { hosts = [1], hypervisor = kvm } ]\nvms = [ { name = v, count = 2, hosts = [1] } ]\n");

        // act
        var (results, applied) = Run(scenario, 2,
            At(3 * SimTime.Millisecond, 1, "ping v-0 host0 count 2"),
            At(3 * SimTime.Millisecond, 2, "ping host0 host1/v-1"),
            At(3 * SimTime.Millisecond, 3, "ping host1/v-1 v-0"),
            At(3 * SimTime.Millisecond, 4, "ping host0 host0/v-1"));

        // assert
        Assert.Equal([["host1/shell/ping-1"], ["host0/shell/ping-2"], ["host1/shell/ping-3"]], applied.Take(3).Select(a => a!.Entities));
        Assert.Equal("ping: no server, VM or container named 'host0/v-1' (DST)", applied[3]!.Detail);
        Assert.All(new[] { "host1/shell/ping-1", "host0/shell/ping-2", "host1/shell/ping-3" },
            path => Assert.Equal((1L, 0L), (results.Components[path]["done"], results.Components[path]["lost"])));
        Assert.Equal(2, results.Components["host1/shell/ping-1"]["received"]);
    }

    [Theory]
    [InlineData("ping host0 host9", "ping: no server, VM or container named 'host9' (DST)")]
    [InlineData("ping host0 host0", "ping: 'host0' and 'host0' are the same endpoint")]
    [InlineData("ping host0 host1 count 0", "ping: count '0' must be a whole number from 1 to 100000")]
    [InlineData("ping host0 host1 count 2 count 3", "ping: option 'count' is given twice")]
    [InlineData("ping host0 host1 interval", "ping: option 'interval' needs a value")]
    [InlineData("ping host0 host1 interval 5", "ping: interval '5': expected a duration such as 10us, 1.5ms or 2s, got '5'")]
    [InlineData("ping host0 host1 wait 1s", "ping: unknown option 'wait' (ping takes count, interval)")]
    [InlineData("iperf host0 host1 duration 0s", "iperf: duration '0s' must be more than zero")]
    public void Bad_arguments_must_be_refused_by_the_source_naming_the_argument(string line, string detail)
    {
        // act
        var (results, applied) = Run(Idle, 2, At(SimTime.Millisecond, 4, line));

        // assert: refused, and nothing started
        var outcome = Assert.Single(applied)!;
        Assert.Equal((false, detail), (outcome.Accepted, outcome.Detail));
        Assert.DoesNotContain(results.Components.Keys, k => k.Contains("/shell/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ping host9 host1", "no server, VM or container named 'host9'")]
    [InlineData("ping host0", "ping needs SRC and DST")]
    [InlineData("migrate kvm-0", "migrate needs VM and SERVER")]
    [InlineData("traceroute host0 host1", "unknown directive 'traceroute': the shell's are ping, iperf, migrate")]
    public void Directives_no_server_takes_must_be_explained_by_the_model(string line, string detail)
    {
        // act
        var directive = At(SimTime.Millisecond, 5, line);
        var (_, applied) = Run(Idle, 2, directive);

        // assert
        Assert.Null(Assert.Single(applied));
        Assert.Equal(detail, FabricModel.Instance.Unclaimed(Idle, directive));
    }

    [Fact]
    public void A_ping_must_show_in_a_snapshot_while_its_echoes_are_on_their_way()
    {
        // arrange: one partition, held at 1 ms
        var partition = FabricModel.Instance.BuildPartition(Idle, 1, 0);
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // act
        var applied = partition.Apply(At(SimTime.Millisecond, 9, "ping host0 host3 count 2"));
        partition.RunUntil(SimTime.Millisecond + SimTime.Microsecond);
        var early = partition.SnapshotCounters().Components["host0/shell/ping-9"];
        partition.RunUntil(5 * SimTime.Millisecond);
        var late = partition.SnapshotCounters().Components["host0/shell/ping-9"];

        // assert
        Assert.True(applied!.Accepted);
        Assert.Equal((1L, 0L, 0L), (early["sent"], early["received"], early["done"]));
        Assert.Equal((2L, 2L, 1L), (late["sent"], late["received"], late["done"]));
    }
}
