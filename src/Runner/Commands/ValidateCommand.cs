using System.CommandLine;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Commands;

/// <summary>`dcsim validate SCENARIO`: checks a scenario and prints what it would run, runs nothing.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario HOCON file" };
        var force = ScenarioFile.ForceOption();
        var command = new Command("validate", "Check a scenario without running it") { scenario, force };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(scenario)!;
            if (!ScenarioFile.TryLoad(file, null, parse.GetValue(force), out var s, out var cost)) return ExitCodes.BadInput;
            var t = s.Datacenter().Topology;
            var fabric = t.Kind == TopologyKind.LeafSpine ? $"{t.Spines} spines, {t.Leaves} leaves, {t.HostCount} hosts" : t.Describe();
            Console.WriteLine($"{file.Name}: ok — {s.Name}: {fabric}, {s.Datacenter().Generators.Count} generator(s), {SimTime.Format(s.DurationPs)}, seed {s.Seed}");
            Console.WriteLine($"{file.Name}: the run needs {cost.Describe()}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
