using System.Text.Json;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.FlowCache;

/// <summary>
/// The netdev datapath against real OVS: the corpus packets sent as real frames through OVS 3.1's
/// userspace datapath with exact-match insertion always (tests/ovs-corpus/*/replay-expected.json, made by
/// tools/ovs-oracle/replay.sh), and through DcSim's datapath with the same rules and settings.
/// </summary>
public sealed class ReplaySpec
{
    internal static string Corpus(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DcSim.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "ovs-corpus", name);
    }

    internal static IEnumerable<string> Lines(string file) =>
        File.ReadAllLines(file).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0);

    /// <summary>The corpus's rules behind a netdev datapath set as the real replay was: exact-match insertion always, LOCAL as port 100.</summary>
    internal static Datapath<DatapathActions> NetdevDatapath(string dir)
    {
        var ports = Lines(Path.Combine(dir, "ports.txt")).Select(l => uint.Parse(l.Split(' ')[0])).ToList();
        var slowPath = new PipelineSlowPath(RuleFileParser.ParseFile(Path.Combine(dir, "rules.txt")), ports, learn: true, localDpPort: 100);
        return new Datapath<DatapathActions>(DatapathProfile.NetdevDefaults with { EmcInsertInverseProbability = 1 }, slowPath,
            RandomStreams.Create(1, 0, "replay"));
    }

    [Theory]
    [InlineData("acl")]
    [InlineData("l2-normal")]
    public void Netdev_replay_must_count_exact_match_megaflow_and_upcalls_as_real_OVS_does(string name)
    {
        // arrange
        var dir = Corpus(name);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "replay-expected.json")));
        var counts = expected.RootElement.GetProperty("counts");
        var hits = expected.RootElement.GetProperty("packets").EnumerateArray().Select(p => p.GetProperty("hit").GetString()).ToList();
        var datapath = NetdevDatapath(dir);

        // act
        var outcomes = new List<string>();
        var now = 0L;
        foreach (var line in Lines(Path.Combine(dir, "packets.txt")))
        {
            var key = FlowParser.ParsePacket(line);
            var (_, outcome, _) = datapath.Process(in key, (uint)key.GetHashCode(), 64, now);
            outcomes.Add(outcome.OvsName());
            now += 10 * SimTime.Millisecond;
        }

        // assert: per packet, then in total
        var differences = outcomes.Zip(hits, (ours, theirs) => (ours, theirs)).Select((p, i) => (p, i))
            .Where(x => x.p.ours != x.p.theirs).Select(x => $"packet {x.i + 1}: DcSim {x.p.ours}, OVS {x.p.theirs}").ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.Equal(counts.GetProperty("packets_received").GetInt64(), datapath.Stats.Packets);
        Assert.Equal(counts.GetProperty("emc_hits").GetInt64(), datapath.Stats.ExactMatchHits);
        Assert.Equal(counts.GetProperty("megaflow_hits").GetInt64(), datapath.Stats.MegaflowHits);
        Assert.Equal(counts.GetProperty("upcalls").GetInt64(), datapath.Stats.UpcallsHandled);
        Assert.Equal(expected.RootElement.GetProperty("megaflows").GetArrayLength(), datapath.Megaflows.Count);
    }
}

/// <summary>A rule added at run time changes exactly the cached flows whose translation it changes.</summary>
public sealed class RuleChangeSpec
{
    [Fact]
    public void Adding_a_rule_must_revalidate_exactly_the_flows_it_affects()
    {
        // arrange: an ACL that forwards 10/8 and 20/8 traffic from port 2 to port 1
        var rules = RuleFileParser.Parse(
            ["priority=10,ip,in_port=2,nw_dst=10.0.0.0/8,actions=output:1", "priority=10,ip,in_port=2,nw_dst=20.0.0.0/8,actions=output:1",
             "priority=0,actions=drop"], "acl");
        var slow = new PipelineSlowPath(rules, [1, 2]);
        var dp = new Datapath<DatapathActions>(DatapathProfile.KernelDefaults, slow, RandomStreams.Create(1, 0, "rule-change"));
        FlowKey Packet(string dst) => FlowParser.ParsePacket($"in_port=2,udp,nw_src=192.168.0.1,nw_dst={dst},udp_src=1000,udp_dst=53");
        foreach (var dst in new[] { "10.1.1.1", "10.2.2.2", "20.1.1.1" }) dp.Process(Packet(dst), (uint)dst.GetHashCode(), 100, 0);
        var before = dp.Megaflows.Flows.ToDictionary(f => f.OriginalKey, f => (f.Actions, f.Mask));

        // act: drop 10.1.0.0/16 from now on
        slow.Pipeline.Tables.Add(RuleFileParser.ParseRule("priority=20,ip,in_port=2,nw_dst=10.1.0.0/16,actions=drop", OpenFlowVersion.OpenFlow10, []));
        var deleted = dp.Revalidate(1, DatapathActions.Same);

        // assert: the 20/8 flow is untouched; the 10/8 flows now consult more of nw_dst, so they go
        // (their masks change); the next 10.1.x packet is dropped and 10.2.x still forwarded
        Assert.DoesNotContain(deleted, f => f.OriginalKey == Packet("20.1.1.1"));
        Assert.Contains(deleted, f => f.OriginalKey == Packet("10.1.1.1"));
        var kept = dp.Megaflows.Flows.Single(f => f.OriginalKey == Packet("20.1.1.1"));
        Assert.Equal(before[Packet("20.1.1.1")], (kept.Actions, kept.Mask));
        Assert.Equal("drop", dp.Process(Packet("10.1.9.9"), 7, 100, 2).Actions!.Text);
        Assert.Equal([1], dp.Process(Packet("10.2.9.9"), 8, 100, 2).Actions!.OutputPorts);
    }
}
