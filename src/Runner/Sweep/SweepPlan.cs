using DcSim.Runner.Commands;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Sweep;

/// <summary>A point ready to run: its place in the grid, the scenario text with its keys set, and that text as loaded and checked.</summary>
internal sealed record PlannedPoint(SweepPoint Point, string Text, ScenarioSettings Settings);

/// <summary>
/// Every point of a sweep, each loaded and checked as `dcsim run` loads a file, before anything runs: a key that is not a
/// scenario key or a value the reader refuses stops the sweep with nothing written. An error on a point's added line is
/// said against its --vary (`dcsim: --vary KEY=VALUE: MESSAGE`); one elsewhere in the file that only this point's values
/// provoke keeps its FILE:LINE form, after the point's values.
/// </summary>
internal sealed record SweepPlan(IReadOnlyList<PlannedPoint> Points, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public static SweepPlan Make(string text, string sourceName, string baseDirectory, IReadOnlyList<SweepAxis> axes, ulong? seed, bool force)
    {
        var points = new List<PlannedPoint>();
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var point in SweepGrid.Points(axes))
        {
            var pointText = text;
            var lines = new Dictionary<int, (string Key, string Value)>();
            var failed = false;
            foreach (var (key, value) in point.Settings)
            {
                if (ScenarioOverride.Apply(pointText, key, value, out var error) is not { } changed)
                {
                    errors.Add($"dcsim: --vary {key}={value}: {error}");
                    failed = true;
                    break;
                }
                pointText = changed;
                lines[pointText.Count(c => c == '\n')] = (key, value);
            }
            if (failed) continue;
            try
            {
                var settings = ScenarioLoader.Parse(pointText, sourceName, baseDirectory, ActorsHost.FabricModel.Instance, seed, ScenarioFile.Checks(force), out var pointWarnings);
                warnings.AddRange(pointWarnings.Select(w => Describe(w, point, lines)));
                points.Add(new PlannedPoint(point, pointText, settings));
            }
            catch (ScenarioException ex)
            {
                errors.AddRange(ex.Errors.Select(e => Describe(e, point, lines)));
            }
        }
        // A bad value fails every point it is in: say it once.
        return new SweepPlan(points, errors.Distinct().ToList(), warnings.Distinct().ToList());
    }

    private static string Describe(ScenarioError e, SweepPoint point, Dictionary<int, (string Key, string Value)> lines)
    {
        var (key, value) = lines.TryGetValue(e.Line, out var at) ? at : point.Settings.FirstOrDefault(s => e.Key == s.Key || e.Key.StartsWith(s.Key + ".", StringComparison.Ordinal));
        if (key is null) return $"dcsim: at {point.Label}: {e}";
        return e.Key == key || e.Key.Length == 0 ? $"dcsim: --vary {key}={value}: {e.Message}" : $"dcsim: --vary {key}={value}: {e.Key}: {e.Message}";
    }
}
