using System.Text.Json;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.ActorsNetwork.Tests.FlowCache;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Ovs;

/// <summary>
/// A vSwitch's rules and datapath flows printed as real Open vSwitch prints them. The oracles: lines captured from OVS 3.1.0 (the
/// sandbox of shared/reference/ovs-sandbox.md: five rules on br0, six frames through `netdev-dummy/receive`, then `ovs-ofctl
/// dump-flows` and `ovs-appctl dpctl/dump-flows`), and every megaflow real OVS installed for the replayed corpora
/// (tests/ovs-corpus/*/replay-expected.json).
/// </summary>
public sealed class FlowDumpSpec
{
    private const string Rules = """
        priority=100,tcp,nw_dst=10.0.0.2,tp_dst=80,actions=output:2
        priority=90,ip,nw_src=10.1.0.0/16,actions=drop
        table=0,priority=10,idle_timeout=30,in_port=1,actions=output:3
        cookie=0x1f,priority=5,actions=normal
        priority=0,actions=drop
        """;

    /// <summary>What OVS 3.1.0 printed for <see cref="Rules"/> (ovs-ofctl dump-flows br0), 4.056 s after adding them.</summary>
    private static readonly string[] RealRules =
    [
        " cookie=0x0, duration=4.056s, table=0, n_packets=3, n_bytes=354, idle_age=2, priority=100,tcp,nw_dst=10.0.0.2,tp_dst=80 actions=output:2",
        " cookie=0x0, duration=4.056s, table=0, n_packets=2, n_bytes=212, idle_age=2, priority=90,ip,nw_src=10.1.0.0/16 actions=drop",
        " cookie=0x0, duration=4.056s, table=0, n_packets=1, n_bytes=106, idle_timeout=30, idle_age=2, priority=10,in_port=1 actions=output:3",
        " cookie=0x1f, duration=4.056s, table=0, n_packets=0, n_bytes=0, idle_age=4, priority=5 actions=NORMAL",
        " cookie=0x0, duration=4.056s, table=0, n_packets=0, n_bytes=0, idle_age=4, priority=0 actions=drop",
    ];

    [Fact]
    public void Rules_must_print_as_ovs_ofctl_dump_flows_prints_them()
    {
        // arrange: the rules added at 0, hit as the real ones were; OVS printed them at 4.056 s, two seconds after the last hit
        var tables = new FlowTables();
        foreach (var rule in RuleFileParser.Parse(Rules.Split('\n'), "rules.txt").Rules) tables.Add(rule);
        var rules = tables.Rules.ToList();
        var lastHit = 2_000 * SimTime.Millisecond;
        rules[0].Credit(3, 354, lastHit);
        rules[1].Credit(2, 212, lastHit);
        rules[2].Credit(1, 106, lastHit);

        // act
        var lines = rules.Select(r => FlowDump.Rule(r, 4_056 * SimTime.Millisecond)).ToArray();

        // assert
        Assert.Equal(RealRules, lines);
    }

    [Fact]
    public void Durations_and_ages_must_print_as_OVS_does_on_its_millisecond_clock()
    {
        Assert.Equal("12s", FlowDump.Duration(12 * SimTime.Second + 999 * SimTime.Microsecond));
        Assert.Equal("0.001s", FlowDump.Duration(SimTime.Millisecond));
        Assert.Equal("4.056s", FlowDump.Duration(4_056 * SimTime.Millisecond + 7));
        Assert.Equal("2.560s", FlowDump.Seconds(2_560 * SimTime.Millisecond));
        Assert.Equal("0.000s", FlowDump.Seconds(999 * SimTime.Microsecond));
    }

    [Fact]
    public void Datapath_flows_must_print_as_dpctl_dump_flows_prints_them()
    {
        // arrange: the frames sent to the real OVS, through the netdev datapath with exact-match insertion always
        var slowPath = new PipelineSlowPath(RuleFileParser.Parse(Rules.Split('\n'), "rules.txt"), [1, 2, 3], learn: true, localDpPort: 100);
        var datapath = new Datapath<DatapathActions>(DatapathProfile.NetdevDefaults with { EmcInsertInverseProbability = 1 }, slowPath,
            RandomStreams.Create(1, 0, "dump"));
        void Send(string packet, int bytes, long at)
        {
            var key = FlowParser.ParsePacket(packet);
            datapath.Process(in key, (uint)key.GetHashCode(), bytes, at);
        }
        var tcp = "in_port=1,tcp,nw_src=10.2.0.1,nw_dst=10.0.0.2,tp_src=1000,tp_dst=80";
        Send(tcp, 118, 0);
        Send(tcp, 118, 10 * SimTime.Millisecond);
        Send(tcp, 118, 20 * SimTime.Millisecond);
        Send("in_port=1,udp,nw_src=10.3.0.1,nw_dst=10.0.0.9,udp_src=1000,udp_dst=53", 106, 30 * SimTime.Millisecond);
        Send("in_port=2,udp,nw_src=10.1.0.1,nw_dst=10.0.0.9,udp_src=1000,udp_dst=53", 106, 40 * SimTime.Millisecond);
        Send("in_port=2,udp,nw_src=10.1.0.1,nw_dst=10.0.0.9,udp_src=1000,udp_dst=53", 106, 260 * SimTime.Millisecond);

        // act: OVS printed them 2.580 s after the TCP flow's last hit
        var now = 2_580 * SimTime.Millisecond + 20 * SimTime.Millisecond;
        var lines = datapath.Megaflows.Flows.Select(f => FlowDump.Megaflow(f, now, packetType: true)).Order(StringComparer.Ordinal).ToArray();

        // assert: the lines of `ovs-appctl dpctl/dump-flows` (its used: ages are the real ones, the times above chosen to give them)
        Assert.Equal(
        [
            "recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth_type(0x0800),ipv4(dst=10.0.0.2,proto=6,frag=no),tcp(dst=80), packets:2, bytes:236, used:2.580s, actions:2",
            "recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth_type(0x0800),ipv4(src=10.3.0.1/255.254.0.0,dst=10.0.0.9/255.255.255.248,frag=no), packets:0, bytes:0, used:never, actions:3",
            "recirc_id(0),in_port(2),packet_type(ns=0,id=0),eth_type(0x0800),ipv4(src=10.1.0.1/255.255.0.0,dst=10.0.0.9/255.255.255.248,frag=no), packets:1, bytes:106, used:2.340s, actions:drop",
        ], lines);
    }

    [Theory]
    [InlineData("acl")]
    [InlineData("l2-normal")]
    public void Every_megaflow_of_a_replayed_corpus_must_print_as_real_OVS_installed_it(string name)
    {
        // arrange
        var dir = ReplaySpec.Corpus(name);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "replay-expected.json")));
        var real = expected.RootElement.GetProperty("megaflows").EnumerateArray()
            .Select(m => $"{m.GetProperty("match").GetString()}, packets:{m.GetProperty("packets").GetInt64()}, actions:{Flood(m.GetProperty("actions").GetString()!)}")
            .Order(StringComparer.Ordinal).ToList();
        var datapath = ReplaySpec.NetdevDatapath(dir);
        foreach (var line in ReplaySpec.Lines(Path.Combine(dir, "packets.txt")))
        {
            var key = FlowParser.ParsePacket(line);
            datapath.Process(in key, (uint)key.GetHashCode(), 64, 0);
        }

        // act: the match and packet count of each line (bytes and ages depend on frame sizes and the wall clock of the real run)
        var ours = datapath.Megaflows.Flows.Select(f => FlowDump.Megaflow(f, 0, packetType: true))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, ", bytes:[0-9]+, used:[^,]+", ""))
            .Select(l =>
            {
                var actions = l.LastIndexOf("actions:", StringComparison.Ordinal) + "actions:".Length;
                return l[..actions] + Flood(l[actions..]);
            })
            .Order(StringComparer.Ordinal).ToList();

        // assert
        Assert.Equal(real.Count, ours.Count);
        var missing = real.Except(ours).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {real.Count} real megaflows printed otherwise:\n  real: "
            + string.Join("\n  real: ", missing) + "\n  ours: " + string.Join("\n  ours: ", ours.Except(real)));
    }

    /// <summary>A flood's ports in ascending order: real OVS floods in its own hash order, which changes from run to run (docs/ovs-corpus.md).</summary>
    private static string Flood(string actions) =>
        actions.Split(',').All(a => uint.TryParse(a, out _)) ? string.Join(',', actions.Split(',').OrderBy(uint.Parse)) : actions;
}
