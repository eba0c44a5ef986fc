using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Tests.Scenario;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Tests.TcpModel;

/// <summary>A scenario text run in process, with the readers TCP model tests need: links by their ends, tcp-flows rows, series.</summary>
internal sealed class TcpRun
{
    private TcpRun(ScenarioSettings scenario, ResultsBuilder results)
    {
        Scenario = scenario;
        Results = results;
    }

    public ScenarioSettings Scenario { get; }

    public ResultsBuilder Results { get; }

    public double Seconds => Scenario.DurationPs / 1e12;

    /// <summary>Runs <paramref name="text"/>; its relative file names (CDFs) are read from config/scenarios, as the example scenarios' are.</summary>
    public static TcpRun Of(string text, int partitions = 1)
    {
        var scenario = ScenarioTestSupport.Parse(text, Path.Combine(ScenarioTestSupport.RepoRoot, "config", "scenarios"));
        return new TcpRun(scenario, InProcessRun.Run(FabricModel.Instance, scenario, partitions));
    }

    public LinkStats Link(string from, string to) => Results.Links.Values.Single(l => l.From == from && l.To == to);

    /// <summary>Every connection's row of tcp-flows.csv (counters summed over both ends).</summary>
    public IReadOnlyList<ComponentCounters> Connections => Results.Components.Values.Where(c => c.Kind == TcpResults.Kind).ToList();

    public long Total(string counter) => Connections.Sum(c => c[counter]);

    /// <summary>The completion times of generator <paramref name="generator"/>'s incast rounds, in order, in milliseconds.</summary>
    public IReadOnlyList<double> IncastRoundsMs(int generator) =>
        Results.Series.GetValueOrDefault(TrafficHistograms.IncastRounds(generator), []).OrderBy(p => p.Time).Select(p => p.Value / 1e9).ToList();

    /// <summary>The one sampled congestion window series (bytes), in time order.</summary>
    public IReadOnlyList<(long Time, long Value)> SingleCwndSeries() =>
        Results.Series.Single(s => s.Key.StartsWith("cwnd/", StringComparison.Ordinal)).Value.OrderBy(p => p.Time).ToList();
}
