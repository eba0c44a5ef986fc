using System.CommandLine;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// Loads a scenario for a command that will run it: the format, the model's checks (vSwitch rules) and the
/// estimated cost, printing every error and warning as FILE:LINE: KEY: MESSAGE on standard error.
/// </summary>
internal static class ScenarioFile
{
    public static Option<bool> ForceOption() =>
        new("--force") { Description = "Run even when the estimated memory or event count of the scenario is beyond the limits (see docs/scenarios.md)" };

    /// <param name="checks">The checks to make (default: <see cref="Checks"/>); `run` adds the journal's.</param>
    public static bool TryLoad(FileInfo file, ulong? seed, bool force, out ScenarioSettings settings, out ScenarioCostEstimate cost, ScenarioChecks? checks = null)
    {
        settings = null!;
        cost = null!;
        try
        {
            settings = ScenarioLoader.Load(file.FullName, ActorsHost.FabricModel.Instance, seed, checks ?? Checks(force), out var warnings);
            foreach (var warning in warnings) Console.Error.WriteLine(warning);
            cost = settings.Model.EstimateCost();
            return true;
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return false;
        }
    }

    /// <summary>The checks of a scenario about to run: the model's, and the cost limits unless forced.</summary>
    /// <param name="capturePoints">Whether the scenario's capture points are checked too (not when `run --pcap` replaces them).</param>
    public static ScenarioChecks Checks(bool force, bool capturePoints = true) =>
        new() { Model = s => ModelProblems(s, capturePoints), Force = force };

    /// <summary>
    /// Why each capture point of <paramref name="settings"/> that names no port of its model is wrong. The ports are learnt by building
    /// the whole model once as one partition, only when there are points: the model alone knows its ports and their names.
    /// </summary>
    public static IReadOnlyList<(string Point, string Message)> CaptureProblems(ScenarioSettings settings)
    {
        if (!settings.Capture.Enabled) return [];
        var ports = ActorsHost.FabricModel.Instance.BuildPartition(settings, 1, 0).PortNames.ToList();
        return CapturePoints.Problems(settings.Capture.Points, ports).ToList();
    }

    /// <summary>
    /// The vSwitch rules file and rule changes, as the model parses them, and the capture points. An error in the rules file is reported at
    /// the scenario key that names the file ("rules.txt:3: token ..." as the message); an error in a rule change at
    /// that change, recognised by the source name the model gives it ("topology.vswitch.rule-changes[i] 'RULE'").
    /// </summary>
    private static IEnumerable<ScenarioProblem> ModelProblems(ScenarioSettings settings, bool capturePoints)
    {
        try
        {
            ActorsHost.FabricModel.Validate(settings);
            return capturePoints ? CaptureProblems(settings).Select(p => new ScenarioProblem("pcap.points", p.Message)).ToList() : [];
        }
        catch (RuleParseException ex)
        {
            var changes = settings.Datacenter().Server.VSwitch.RuleChanges;
            return ex.Errors.Select(error =>
            {
                for (var i = 0; i < changes.Count; i++)
                {
                    var key = $"topology.vswitch.rule-changes[{i}]";
                    var source = $"{key} '{changes[i].Rule}': ";
                    if (error.StartsWith(source, StringComparison.Ordinal))
                        return new ScenarioProblem(key, $"rule '{changes[i].Rule}': {error[source.Length..]}");
                }
                return new ScenarioProblem("topology.vswitch.rules", error);
            }).ToList();
        }
    }
}
