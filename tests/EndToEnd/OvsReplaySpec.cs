using System.Text.Json;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim ovs-trace --replay` against the counts real OVS reported for the same frames.</summary>
public sealed class OvsReplaySpec
{
    [Theory]
    [InlineData("acl")]
    [InlineData("l2-normal")]
    public void Replay_must_report_the_counts_and_megaflows_real_OVS_reported(string corpus)
    {
        // arrange
        var dir = Dcsim.RepositoryFile(Path.Combine("tests", "ovs-corpus", corpus));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "replay-expected.json")));
        var counts = expected.RootElement.GetProperty("counts");

        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "ovs-trace", "--rules", Path.Combine(dir, "rules.txt"),
            "--packets", Path.Combine(dir, "packets.txt"), "--bridge-ports", "1,2,3,4", "--replay", "--json");

        // assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var summary = JsonDocument.Parse(lines[^1]);
        var s = summary.RootElement.GetProperty("summary");
        foreach (var (ours, theirs) in new[] { ("packets_received", "packets_received"), ("emc_hits", "emc_hits"), ("megaflow_hits", "megaflow_hits"), ("upcalls", "upcalls"), ("lost", "lost") })
            Assert.True(counts.GetProperty(theirs).GetInt64() == s.GetProperty(ours).GetInt64(), $"{ours}: DcSim {s.GetProperty(ours)}, OVS {counts.GetProperty(theirs)}");
        Assert.Equal(expected.RootElement.GetProperty("megaflows").GetArrayLength(), s.GetProperty("megaflows").GetArrayLength());
        var hits = expected.RootElement.GetProperty("packets").EnumerateArray().Select(p => p.GetProperty("hit").GetString()).ToList();
        var ourHits = lines[..^1].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("hit").GetString()).ToList();
        Assert.Equal(hits, ourHits);
        // per megaflow packet counts, as dpctl/dump-flows shows them (the upcall's own packet not counted)
        Assert.Equal(expected.RootElement.GetProperty("megaflows").EnumerateArray().Select(m => m.GetProperty("packets").GetInt64()).Order(),
            s.GetProperty("megaflows").EnumerateArray().Select(m => m.GetProperty("packets").GetInt64()).Order());
    }
}
