using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.Testing;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>Servers with an Open vSwitch between their traffic and their NIC.</summary>
public sealed class VSwitchHostSpec
{
    private static HostSettings WithVSwitch(string rules = "") =>
        new(8, 2_500_000_000, 0, 0, VSwitchOptions.Defaults with { Enabled = true, RulesFile = rules });

    private static ScenarioSettings TwoHosts(HostSettings host, params GeneratorSettings[] generators) =>
        TestScenarios.Scenario(TestScenarios.Fabric(1, 1, 2), host, 2 * SimTime.Millisecond, 1, generators);

    [Fact]
    public void A_warm_vSwitch_must_add_exactly_its_megaflow_hit_cost_at_each_end()
    {
        // arrange: host 0 -> host 1 on one leaf, CBR, default forwarding rules, kernel datapath
        var scenario = TwoHosts(WithVSwitch(),
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, SimTime.Millisecond, DestinationPattern.Fixed, target: 1));

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: wire 2 x (852.8 ns + 1 us); a megaflow hit through the mask cache costs
        // 1,000 + 100 cycles = 440 ns at 2.5 GHz on each side
        var flow = results.Flows.Values.Single(f => f.Source == 0);
        const long wire = 2 * (1066 * 8 * 100 + SimTime.Microsecond);
        const long hit = 1_100 * 400;
        Assert.Equal(wire + 2 * hit, flow.Latency!.MinPs);
        Assert.True(flow.Latency.MaxPs > flow.Latency.MinPs, "the first packet pays the upcalls");
        var sender = results.Components["host0/vswitch"];
        var receiver = results.Components["host1/vswitch"];
        Assert.Equal(1, sender["upcalls_handled"]);
        Assert.Equal(1, receiver["upcalls_handled"]);
        Assert.Equal(flow.SentPackets, sender["packets"]);
        Assert.Equal(sender["packets"], sender["megaflow_hits"] + sender["upcalls_handled"]);
        Assert.True(results.Components["host0"]["host_kernel_busy_ps"] > 0);
    }

    [Fact]
    public void The_datapath_cycle_costs_of_the_scenario_must_set_the_cost_of_a_megaflow_hit()
    {
        // arrange: the warm-path scenario above, read from HOCON, with the kernel datapath's per-packet and
        // per-mask-probe costs raised from 1,000 and 100 cycles to 3,000 and 500
        var scenario = ScenarioLoader.Parse("""
            duration = 2ms
            topology {
              spines = 1, leaves = 1, hosts-per-leaf = 2
              vswitch { enabled = true, kernel { cycles-per-packet = 3000, cycles-per-mask-probe = 500 } }
              host-cpu.idle-exit-latency = 0us
            }
            # Only the vSwitch's costs: no stack costs, no C-state exits.
            servers.stack-costs = free
            traffic.generators = [ { hosts = [0], rate = 100Mbps, packet-size = 1000B, stop = 1ms, destination = fixed, target = 1 } ]
            """, "costs.conf", ".", FabricModel.Instance);

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: a megaflow hit through the mask cache now costs 3,000 + 500 cycles = 1.4 us at 2.5 GHz on each side
        var flow = results.Flows.Values.Single(f => f.Source == 0);
        const long wire = 2 * (1066 * 8 * 100 + SimTime.Microsecond);
        const long hit = 3_500 * 400;
        Assert.Equal(wire + 2 * hit, flow.Latency!.MinPs);
    }

    [Fact]
    public void Packets_without_an_output_must_be_dropped_in_the_vSwitch_and_accounted()
    {
        // arrange: rules that drop UDP port 5001 (generator 1) leaving host 0
        var dir = Scratch.Directory("vswitch");
        File.WriteAllText(Path.Combine(dir, "rules.txt"),
            "priority=100,udp,in_port=2,udp_dst=5001,actions=drop\npriority=10,in_port=2,actions=output:1\npriority=10,in_port=1,actions=output:2\n");
        var scenario = TwoHosts(WithVSwitch("rules.txt"),
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, SimTime.Millisecond, DestinationPattern.Fixed, target: 1, index: 0),
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, SimTime.Millisecond, DestinationPattern.Fixed, target: 1, index: 1))
            with { BaseDirectory = dir };

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);
        var summary = new RunSummary(results);

        // assert
        var blocked = results.Flows.Values.Single(f => f.Generator == 1);
        var allowed = results.Flows.Values.Single(f => f.Generator == 0);
        Assert.Equal(blocked.SentPackets, blocked.DroppedPackets);
        Assert.Equal(0, blocked.DeliveredPackets);
        Assert.Equal("host0:vswitch", blocked.DropsAt.Keys.Single());
        Assert.Equal(allowed.SentPackets, allowed.DeliveredPackets + allowed.InFlightPackets);
        Assert.True(summary.Conserved);
        Assert.Equal(blocked.SentPackets, summary.DropsByLocation["host0:vswitch"]);
    }

    [Fact]
    public void A_rule_added_at_a_virtual_time_must_take_effect_from_then_on_and_only_for_its_traffic()
    {
        // arrange: two CBR flows from host 0 to host 1 for 2 ms (UDP ports 5000 and 5001); at 1 ms a rule
        // drops port 5000
        var host = WithVSwitch() with
        {
            VSwitch = WithVSwitch().VSwitch with
            {
                RuleChanges = [new RuleChange(SimTime.Millisecond, RuleChangeKind.Add, "priority=100,udp,in_port=2,udp_dst=5000,actions=drop")],
            },
        };
        var scenario = TestScenarios.Scenario(TestScenarios.Fabric(1, 1, 2), host, 3 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, 2 * SimTime.Millisecond, DestinationPattern.Fixed, target: 1, index: 0),
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, 2 * SimTime.Millisecond, DestinationPattern.Fixed, target: 1, index: 1));

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: one packet per 80 us; the first flow gets about half through, the second all
        var blocked = results.Flows.Values.Single(f => f.Generator == 0 && f.Source == 0);
        var other = results.Flows.Values.Single(f => f.Generator == 1 && f.Source == 0);
        var vs = results.Components["host0/vswitch"];
        Assert.True(blocked.DeliveredPackets is >= 12 and <= 13, $"delivered {blocked.DeliveredPackets}, vswitch drops {vs["dropped_packets"]}");
        Assert.Equal(blocked.SentPackets - blocked.DeliveredPackets, blocked.DroppedPackets);
        Assert.Equal(other.SentPackets, other.DeliveredPackets);
        Assert.True(blocked.Latency!.MaxPs < SimTime.Millisecond);
        Assert.True(new RunSummary(results).Conserved);
        Assert.True(vs["revalidations"] > 0);
    }

    [Fact]
    public void Rule_timeouts_must_expire_unused_and_hard_limited_rules_but_not_busy_ones()
    {
        // arrange: generator 0 (UDP 5000) is dropped by a rule with a 1 s idle timeout that its own
        // packets keep busy; generator 1 (UDP 5001) by a rule with a 1 s hard timeout
        var dir = Scratch.Directory("timeouts");
        File.WriteAllText(Path.Combine(dir, "rules.txt"), string.Join('\n',
            "priority=100,udp,in_port=2,udp_dst=5000,idle_timeout=1,actions=drop",
            "priority=100,udp,in_port=2,udp_dst=5001,hard_timeout=1,actions=drop",
            "priority=1,in_port=2,actions=output:1",
            "priority=1,in_port=1,actions=output:2"));
        var stop = 2_500 * SimTime.Millisecond;
        var scenario = TestScenarios.Scenario(TestScenarios.Fabric(1, 1, 2), WithVSwitch("rules.txt"), stop, 1,
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 10_000_000, 1000, stop, DestinationPattern.Fixed, target: 1, index: 0),
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 10_000_000, 1000, stop, DestinationPattern.Fixed, target: 1, index: 1))
            with { BaseDirectory = dir };

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: one packet per 800 us; the busy rule never idles out, the hard-limited one goes at the
        // revalidator's sweep at 1.0 s, and generator 1 gets through for the remaining 1.5 s
        var busy = results.Flows.Values.Single(f => f.Generator == 0 && f.Source == 0);
        var limited = results.Flows.Values.Single(f => f.Generator == 1 && f.Source == 0);
        Assert.Equal(0, busy.DeliveredPackets);
        Assert.Equal(busy.SentPackets, busy.DroppedPackets);
        Assert.InRange(limited.DeliveredPackets, 1_870, 1_876);
        Assert.True(new RunSummary(results).Conserved);
    }

    [Fact]
    public void Runs_with_vSwitches_must_be_identical_on_one_and_three_partitions()
    {
        var hosts = Enumerable.Range(0, 12).ToArray();
        var cdf = new FlowSizeCdf("test", [(1_000, 0.0), (20_000, 1.0)]);
        var scenario = TestScenarios.Scenario(TestScenarios.Fabric(2, 3, 4), WithVSwitch(), 2 * SimTime.Millisecond, 9,
            TestScenarios.Generator(GeneratorKind.Poisson, hosts, 1_000_000_000, 1000, 2 * SimTime.Millisecond, flowSizes: cdf));
        var one = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, 1));
        var three = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, 3));
        Assert.Equal(one, three);
        var results = ResultsCodec.Decode(one);
        Assert.True(new RunSummary(results).Conserved);
        // The default rules match on in_port only, so each direction of a server needs one megaflow however
        // many flows cross it: at most 2 upcalls per server, all else megaflow hits.
        var vswitches = results.Components.Values.Where(c => c.Kind == "vswitch").ToList();
        var upcalls = vswitches.Sum(v => v["upcalls_handled"]);
        Assert.InRange(upcalls, 12, 24);
        Assert.True(vswitches.Sum(v => v["megaflow_hits"]) > 100 * upcalls);
    }
}
