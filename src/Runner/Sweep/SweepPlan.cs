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
        var errors = new List<Problem>();
        var warnings = new List<string>();
        foreach (var point in SweepGrid.Points(axes))
        {
            var pointText = text;
            var lines = new Dictionary<int, (string Key, string Value)>();
            var failed = false;
            foreach (var (axis, value) in point.Settings)
            {
                foreach (var (key, keyValue) in axes.Single(a => a.Key == axis).Overrides(value))
                {
                    if (ScenarioOverride.Apply(pointText, key, keyValue, out var error) is not { } changed)
                    {
                        errors.Add(new Problem(axis, value, key == axis ? error : $"{key}: {error}"));
                        failed = true;
                        break;
                    }
                    pointText = changed;
                    lines[pointText.Count(c => c == '\n')] = (axis, value);
                }
                if (failed) break;
            }
            if (failed) continue;
            try
            {
                var settings = ScenarioLoader.Parse(pointText, sourceName, baseDirectory, ActorsHost.FabricModel.Instance, seed, ScenarioFile.Checks(force), out var pointWarnings);
                warnings.AddRange(pointWarnings.Select(w => Attribute(w, point, lines).Line));
                points.Add(new PlannedPoint(point, pointText, settings));
            }
            catch (ScenarioException ex)
            {
                errors.AddRange(ex.Errors.Select(e => Attribute(e, point, lines)));
            }
        }
        return new SweepPlan(points, Lines(errors, axes), warnings.Distinct().ToList());
    }

    /// <summary>One error: the --vary it is on (null key: none), and what to say after "dcsim: --vary KEY=VALUE: ".</summary>
    private sealed record Problem(string? Key, string Value, string Message)
    {
        public string Line => Key is null ? Message : $"dcsim: --vary {Key}={Value}: {Message}";
    }

    private static Problem Attribute(ScenarioError e, SweepPoint point, Dictionary<int, (string Key, string Value)> lines)
    {
        var (key, value) = lines.TryGetValue(e.Line, out var at) ? at : point.Settings.FirstOrDefault(s => e.Key == s.Key || e.Key.StartsWith(s.Key + ".", StringComparison.Ordinal));
        if (key is null) return new Problem(null, "", $"dcsim: at {point.Label}: {e}");
        return new Problem(key, value, e.Key == key || e.Key.Length == 0 ? e.Message : $"{e.Key}: {e.Message}");
    }

    /// <summary>
    /// Each error once: a bad value fails every point it is in, and an error that every value of a key gives (an unknown
    /// key) is the key's, said as `dcsim: --vary KEY: MESSAGE`.
    /// </summary>
    private static List<string> Lines(List<Problem> errors, IReadOnlyList<SweepAxis> axes) =>
        errors.Distinct()
            .GroupBy(e => (e.Key, e.Message))
            .Select(g => g.Key.Key is { } key && g.Count() > 1 && g.Count() == axes.Single(a => a.Key == key).Values.Count
                ? [$"dcsim: --vary {key}: {g.Key.Message}"]
                : g.Select(e => e.Line))
            .SelectMany(l => l)
            .ToList();
}
