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
    private static string Corpus(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DcSim.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "ovs-corpus", name);
    }

    private static IEnumerable<string> Lines(string file) =>
        File.ReadAllLines(file).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0);

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
        var ports = Lines(Path.Combine(dir, "ports.txt")).Select(l => uint.Parse(l.Split(' ')[0])).ToList();
        var rules = RuleFileParser.ParseFile(Path.Combine(dir, "rules.txt"));
        var slowPath = new PipelineSlowPath(rules, ports, learn: true, localDpPort: 100);
        var datapath = new Datapath<string>(DatapathProfile.NetdevDefaults with { EmcInsertInverseProbability = 1 }, slowPath,
            RandomStreams.Create(1, 0, "replay"));

        // act
        var outcomes = new List<string>();
        var now = 0L;
        foreach (var line in Lines(Path.Combine(dir, "packets.txt")))
        {
            var key = FlowParser.ParsePacket(line);
            slowPath.Now = now;
            var (_, outcome, _) = datapath.Process(in key, (uint)key.GetHashCode(), 64, now);
            outcomes.Add(outcome switch
            {
                DatapathOutcome.ExactMatchHit => "emc",
                DatapathOutcome.MegaflowHit => "megaflow",
                DatapathOutcome.Upcall => "upcall",
                _ => "failed_upcall",
            });
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
