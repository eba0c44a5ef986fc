using System.Diagnostics;
using System.Text.RegularExpressions;
using DcSim.ActorsNetwork.OpenFlow;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsNetwork.Tests.Fuzz;

/// <summary>
/// The rule/packet fuzz suite: mutants of the OVS corpus (<see cref="FlowMutator"/>, fixed seed) must each be
/// accepted, or rejected with an error naming file, line and token, never crash or hang; and on the cases
/// checked in with real OVS's verdicts (tests/ovs-corpus/fuzz/expected.tsv, made by
/// tools/ovs-oracle/fuzz-oracle.sh) DcSim must accept what OVS accepts, as the same rule, and reject what it
/// rejects. The allowed differences (<see cref="FlowSyntaxException.Refusal"/>): DcSim refuses a field or action
/// it does not model, and a value OVS would silently change instead of installing it as written.
/// </summary>
public sealed partial class FlowFuzzSpec(ITestOutputHelper output)
{
    public const ulong Seed = 20261201;
    public const int RuleCases = 400, PacketCases = 200;

    /// <summary>The rules of issue 8 (defect 3), always part of the cases.</summary>
    private static readonly FuzzCase[] FixedCases =
    [
        new(FuzzCase.Rule, "OpenFlow10", "priority=1,in_port=(1,actions=output:2"),
        new(FuzzCase.Rule, "OpenFlow10", "actions=output:2,resubmit(,10"),
        new(FuzzCase.Rule, "OpenFlow10", "actions=dec_ttl(1,2"),
        new(FuzzCase.Rule, "OpenFlow10", "actions=learn(table=1"),
        new(FuzzCase.Rule, "OpenFlow10", "actions=drop,resubmit(,10"),
        new(FuzzCase.Rule, "OpenFlow10", "actions=drop,output:1"),
        new(FuzzCase.Rule, "OpenFlow10", "actions=drop,drop"),
        new(FuzzCase.Rule, "OpenFlow10", "in_port=1,actions=resubmit(,1)output:2"),
    ];

    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(1);

    private static string FuzzDir => Path.Combine(RepoRoot(), "tests", "ovs-corpus", "fuzz");

    /// <summary>The cases with checked-in OVS verdicts.</summary>
    public static List<FuzzCase> GenerateCases() => [.. FixedCases, .. Mutants(Seed, RuleCases, PacketCases)];

    private static List<FuzzCase> Mutants(ulong seed, int rules, int packets)
    {
        var mutator = new FlowMutator(FlowMutator.CorpusSeeds(Path.Combine(RepoRoot(), "tests", "ovs-corpus")), seed);
        return [.. mutator.Cases(FuzzCase.Rule, rules), .. mutator.Cases(FuzzCase.Packet, packets)];
    }

    [Fact]
    public async Task Every_mutated_rule_and_packet_must_be_accepted_or_rejected_with_a_located_error()
    {
        // arrange: the cases OVS judged, and as many again fivefold from another seed (robustness needs no oracle)
        var cases = GenerateCases().Concat(Mutants(Seed + 1, 5 * RuleCases, 5 * PacketCases)).ToList();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;

        // act: the whole run is bounded, so a parser that loops forever fails the test instead of hanging CI
        var run = Task.Run(() =>
        {
            foreach (var c in cases)
            {
                var watch = Stopwatch.StartNew();
                var problem = c.Kind == FuzzCase.Rule ? RuleProblem(c) : PacketProblem(c);
                if (problem is not null) failures.Add($"{c.Kind} '{c.Text}': {problem}");
                if (watch.Elapsed > slowest) slowest = watch.Elapsed;
            }
        });

        // assert
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run;
        Assert.True(finished, "the fuzz cases did not finish within 60 s (a parser hangs)");
        output.WriteLine($"{cases.Count(c => c.Kind == FuzzCase.Rule)} rule and {cases.Count(c => c.Kind == FuzzCase.Packet)} packet cases; slowest {slowest.TotalMilliseconds:0.0} ms");
        Assert.True(cases.Count(c => c.Kind == FuzzCase.Rule) >= 2000);
        Assert.Empty(failures);
        Assert.True(slowest < CaseBound, $"slowest case took {slowest}");
    }

    [Fact]
    public void The_checked_in_cases_must_be_what_the_mutator_generates()
    {
        // Regenerate after changing the mutator: DCSIM_FUZZ_WRITE_CASES=1 dotnet test --filter FlowFuzzSpec,
        // then tools/ovs-oracle/fuzz-oracle.sh (docs/ovs-corpus.md).
        var generated = GenerateCases().Select(c => c.ToTsv()).ToList();
        var file = Path.Combine(FuzzDir, "cases.tsv");
        if (Environment.GetEnvironmentVariable("DCSIM_FUZZ_WRITE_CASES") == "1")
        {
            File.WriteAllLines(file, ["# KIND\tPROTOCOL\tTEXT: written by FlowFuzzSpec (DCSIM_FUZZ_WRITE_CASES=1); verdicts in expected.tsv", .. generated]);
        }
        Assert.Equal(generated, File.ReadAllLines(file).Where(l => !l.StartsWith('#')).ToList());
        Assert.Equal(generated, Expected().Select(e => e.Case.ToTsv()).ToList());
    }

    [Fact]
    public void Every_fuzz_case_must_get_the_verdict_and_the_rule_real_OVS_gives()
    {
        // arrange
        var expected = Expected();
        var disagreements = new List<string>();
        var agreed = 0;
        var stricter = new Dictionary<FlowRefusal, int> { [FlowRefusal.NotModelled] = 0, [FlowRefusal.OvsWouldChange] = 0 };

        // act
        foreach (var (c, ovsOk, detail) in expected)
        {
            var (ours, ourDetail, refusal) = c.Kind == FuzzCase.Rule ? OurRuleVerdict(c) : OurPacketVerdict(c);
            if (!ours && ovsOk && refusal != FlowRefusal.Invalid) { stricter[refusal]++; continue; }
            if (ours == ovsOk && (!ours || ourDetail == detail)) { agreed++; continue; }
            disagreements.Add($"{c.Kind} [{c.Protocol}] '{c.Text}'\n    OVS:    {(ovsOk ? "ok " : "error ")}{detail}\n    DcSim:  {(ours ? "ok " : "error ")}{ourDetail}");
        }

        // assert
        output.WriteLine($"{expected.Count} cases: {agreed} agree with OVS; OVS accepts, DcSim refuses: {stricter[FlowRefusal.NotModelled]} not modelled, "
            + $"{stricter[FlowRefusal.OvsWouldChange]} values OVS would silently change; {disagreements.Count} disagree");
        Assert.True(expected.Count(e => e.Case.Kind == FuzzCase.Rule) >= 300);
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    private static string? RuleProblem(FuzzCase c)
    {
        try
        {
            RuleFileParser.Parse([c.Text], "fuzz.txt", Version(c));
            return null;
        }
        catch (RuleParseException ex)
        {
            return ex.Errors.Count == 1 && LocatedRuleError().IsMatch(ex.Errors[0]) ? null : $"error not of the form 'fuzz.txt:1: token 'X': message': {ex.Message}";
        }
        catch (Exception ex)
        {
            return $"unexpected {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static string? PacketProblem(FuzzCase c)
    {
        try
        {
            FlowParser.ParsePacket(c.Text);
            return null;
        }
        catch (FlowSyntaxException ex)
        {
            return ex.Token.Length > 0 || c.Text.Trim().Length == 0 ? null : $"rejected without a token: {ex.Message}";
        }
        catch (Exception ex)
        {
            return $"unexpected {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static (bool Ok, string Detail, FlowRefusal Refusal) OurRuleVerdict(FuzzCase c)
    {
        try
        {
            var file = RuleFileParser.Parse([c.Text], "fuzz.txt", Version(c));
            return (true, string.Join(" | ", file.Rules.Select(DumpFlowsText)), FlowRefusal.Invalid);
        }
        catch (RuleParseException ex)
        {
            // Parse reports strings; the rule itself says whether the refusal is a "not modelled" one.
            var refusal = FlowRefusal.Invalid;
            try { RuleFileParser.ParseRule(c.Text.Split('#')[0].Trim(), Version(c), []); }
            catch (FlowSyntaxException inner) { refusal = inner.Refusal; }
            return (false, ex.Message, refusal);
        }
    }

    private static (bool Ok, string Detail, FlowRefusal Refusal) OurPacketVerdict(FuzzCase c)
    {
        try
        {
            return (true, MatchFormatter.FormatFlow(FlowParser.ParsePacket(c.Text)), FlowRefusal.Invalid);
        }
        catch (FlowSyntaxException ex)
        {
            return (false, $"token '{ex.Token}': {ex.Message}", ex.Refusal);
        }
    }

    /// <summary>
    /// A rule as <c>ovs-ofctl --no-stats dump-flows</c> prints it (ofputil_flow_stats_format): unlike
    /// <see cref="OpenFlowRule.ToString"/>, with the timeouts and without the default priority.
    /// </summary>
    private static string DumpFlowsText(OpenFlowRule rule)
    {
        var head = new List<string>();
        if (rule.Cookie != 0) head.Add($"cookie={MatchFormatter.HexC(rule.Cookie)}, ");
        if (rule.Table != 0) head.Add($"table={rule.Table}, ");
        if (rule.IdleTimeout != 0) head.Add($"idle_timeout={rule.IdleTimeout}, ");
        if (rule.HardTimeout != 0) head.Add($"hard_timeout={rule.HardTimeout}, ");
        var match = new List<string>();
        if (rule.Priority != RuleFileParser.DefaultPriority) match.Add($"priority={rule.Priority}");
        if (rule.MatchText.Length > 0) match.Add(rule.MatchText);
        var matchText = match.Count > 0 ? string.Join(",", match) + " " : "";
        return string.Concat(head) + matchText + "actions=" + rule.ActionsText;
    }

    private static OpenFlowVersion Version(FuzzCase c) => c.Protocol == "OpenFlow13" ? OpenFlowVersion.OpenFlow13 : OpenFlowVersion.OpenFlow10;

    private static List<(FuzzCase Case, bool Ok, string Detail)> Expected() =>
        File.ReadAllLines(Path.Combine(FuzzDir, "expected.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(f => (new FuzzCase(f[0], f[1], f[2]), f[3] == "ok", f[4]))
            .ToList();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DcSim.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    [GeneratedRegex(@"^fuzz\.txt:1: token '.*': \S")]
    private static partial Regex LocatedRuleError();
}
