using System.Globalization;
using System.Text.RegularExpressions;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Units;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// Turns a scenario file into <see cref="ScenarioSettings"/>, or into a <see cref="ScenarioException"/> that
/// lists every problem with file, line and key, so nothing is run or written half-way (DESIGN.md §6).
/// Keys are those of <c>dcsim.scenario</c> in config/reference.conf, at the top level of the file. The loader
/// reads the kernel's keys (name, seed, duration, kernel); the model's <see cref="IScenarioModelReader"/> reads
/// the rest (topology, traffic), through the same located diagnostics.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>The longest scenario file read: validation is linear, and this keeps it within seconds.</summary>
    public const int MaxChars = 2 << 20;

    public static ScenarioSettings Load(string path, IScenarioModelReader model, ulong? seedOverride = null) =>
        Load(path, model, seedOverride, null, out _);

    /// <summary>Loads a scenario that is about to run: also makes <paramref name="checks"/>, and returns the warnings they give.</summary>
    public static ScenarioSettings Load(string path, IScenarioModelReader model, ulong? seedOverride, ScenarioChecks? checks,
        out IReadOnlyList<ScenarioError> warnings)
    {
        string text;
        try
        {
            // Bounded: a scenario is a few kilobytes, and /dev/zero or a mistyped log file must not fill the memory.
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[MaxChars + 1];
            var length = reader.ReadBlock(buffer, 0, buffer.Length);
            if (length > MaxChars)
                throw new ScenarioException([new ScenarioError(path, 1, TopLevelKey,
                    $"the scenario file is longer than {MaxChars / (1 << 20)} Mi characters; a scenario is a few kilobytes (list hosts as ranges such as \"0-999\")")]);
            text = new string(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var message = e is FileNotFoundException or DirectoryNotFoundException ? "scenario file not found" : $"cannot read the scenario file: {e.Message}";
            throw new ScenarioException([new ScenarioError(path, 0, "", message)]);
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return Parse(text, path, directory, model, seedOverride, checks, out warnings);
    }

    /// <param name="text">The scenario, HOCON.</param>
    /// <param name="sourceName">The file name used in error messages.</param>
    /// <param name="baseDirectory">Where relative paths in the scenario (CDF files, vswitch rules) are resolved.</param>
    /// <param name="model">Reads the model's sections (topology, traffic).</param>
    /// <param name="seedOverride">Replaces the file's seed (the file's seed is still validated).</param>
    public static ScenarioSettings Parse(string text, string sourceName, string baseDirectory, IScenarioModelReader model, ulong? seedOverride = null) =>
        Parse(text, sourceName, baseDirectory, model, seedOverride, null, out _);

    /// <param name="checks">Checks beyond the format (null: none), as for a scenario about to run.</param>
    /// <param name="warnings">What the checks warn about, located like errors.</param>
    public static ScenarioSettings Parse(string text, string sourceName, string baseDirectory, IScenarioModelReader model, ulong? seedOverride,
        ScenarioChecks? checks, out IReadOnlyList<ScenarioError> warnings)
    {
        warnings = [];
        if (checks is null && ResolvedScenarios.Find(text, baseDirectory, model, seedOverride) is { } resolved) return resolved;
        var reference = ScenarioReference.Instance;
        var positions = HoconScanner.Scan(text);
        if (positions.SyntaxError is { } syntax)
            throw new ScenarioException([new ScenarioError(sourceName, syntax.Line, KeyOrTopLevel(syntax.Path), "syntax error: " + syntax.Message)]);
        var root = ParseHocon(positions, sourceName);

        var diagnostics = new ScenarioDiagnostics(sourceName, positions, reference);
        ScenarioKeyCheck.Check(diagnostics, reference, root, reference.Scenario, "");
        var top = new ScenarioSection(diagnostics, "", root, reference.Scenario, ScenarioReference.ScenarioPath);

        top.TryText("name", out var name);
        top.TryULong("seed", out var seed);
        var durationOk = top.TryTime("duration", 1, out var duration);
        var modelSettings = model.Read(top, new ScenarioReadContext(diagnostics, baseDirectory, durationOk ? duration : null));
        var kernel = ReadKernel(top.Child("kernel"));
        var capture = CaptureSettings.Read(top.Child("pcap"));

        diagnostics.ThrowIfAny();
        var settings = new ScenarioSettings(
            name,
            seedOverride ?? seed,
            duration,
            modelSettings!,
            kernel!,
            ResolvedHocon: "") { Capture = capture! };
        settings = settings with { ResolvedHocon = ScenarioHoconWriter.Write(settings), BaseDirectory = baseDirectory };
        if (checks is not null) warnings = Check(settings, checks, diagnostics);
        ResolvedScenarios.Add(settings, model);
        return settings;
    }

    /// <summary>The checks on valid settings: the model's first (a bad rule is worth fixing before a size), then the cost.</summary>
    private static IReadOnlyList<ScenarioError> Check(ScenarioSettings settings, ScenarioChecks checks, ScenarioDiagnostics diagnostics)
    {
        foreach (var problem in checks.Model?.Invoke(settings) ?? [])
            diagnostics.Report(problem.Key, problem.Message);
        diagnostics.ThrowIfAny();
        var warnings = new List<ScenarioError>();
        foreach (var (key, message, refused) in checks.Judge(settings.Model.EstimateCost()))
        {
            if (refused) diagnostics.Report(key, message);
            else warnings.Add(diagnostics.Locate(key, message));
        }
        diagnostics.ThrowIfAny();
        return warnings;
    }

    /// <summary>The key of an error outside every key: a syntax error between the fields of the file's top level.</summary>
    public const string TopLevelKey = "(top level)";

    private static string KeyOrTopLevel(string path) => path.Length == 0 ? TopLevelKey : path;

    /// <summary>
    /// Akka builds the values. Only text that <see cref="HoconScanner"/> accepted gets here; what Akka can
    /// still reject (an unresolved ${substitution}) is located at the substitution, or by the position Akka gives.
    /// </summary>
    private static HoconObject ParseHocon(HoconPositions positions, string sourceName)
    {
        var text = positions.Text;
        try
        {
            var root = ConfigurationFactory.ParseString(text).Root;
            return root is not null && HoconValues.KindOf(root) == HoconKind.Object ? root.GetObject() : new HoconObject();
        }
        catch (Exception e)
        {
            if (Regex.Match(e.Message, @"Unresolved substitution: (\S+)") is { Success: true } missing
                && positions.Substitutions.FirstOrDefault(s => s.Target == missing.Groups[1].Value) is { } substitution)
            {
                throw new ScenarioException([new ScenarioError(sourceName, substitution.Line, substitution.Path,
                    $"${{{substitution.Target}}} refers to '{substitution.Target}', which the file does not set (a substitution names a key of this file by its full path)")]);
            }
            var line = 1;
            if (Regex.Match(e.Message, @"at position (\d+)") is { Success: true } at && int.TryParse(at.Groups[1].Value, out var offset))
                line = 1 + text.AsSpan(0, Math.Min(offset, text.Length)).Count('\n');
            var first = e.Message.Split('\n')[0].Trim();
            throw new ScenarioException([new ScenarioError(sourceName, line, KeyOrTopLevel(positions.KeyAtOrBefore(line)), $"invalid HOCON: {first}")]);
        }
    }

    private static KernelSettings? ReadKernel(ScenarioSection kernel)
    {
        var ok = kernel.TryTime("progress-interval", 1, out var progress);
        ok &= TryIntervalOrOff(kernel, "checkpoint-interval", out var checkpoint);
        ok &= TryIntervalOrOff(kernel, "checkpoint-wall-interval", out var checkpointWall);
        ok &= kernel.TryWord("layout", ScenarioWords.PartitionLayouts, out var layout);
        ok &= kernel.TryFraction("layout-pilot", out var pilot);
        if (!kernel.TryText("partitions", out var text, out var fromFile)) return null;
        var partitions = 0; // auto: KernelSettings.PartitionsFor
        if (text != ScenarioWords.AutoPartitions)
        {
            ok &= int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out partitions)
                ? kernel.Check(partitions >= 1, "partitions", fromFile, $"must be auto or at least 1, got {partitions}")
                : kernel.Check(false, "partitions", fromFile, $"expected auto or a whole number of at least 1, got '{text}'");
        }
        // Wall time in whole milliseconds: a picosecond count of hours would not matter, and TimeSpan ticks are 100 ns.
        return ok ? new KernelSettings(partitions, progress, checkpoint, TimeSpan.FromMilliseconds(checkpointWall / SimTime.Millisecond), (PartitionLayoutKind)layout, pilot) : null;
    }

    /// <summary>A positive duration, or "off" (0).</summary>
    private static bool TryIntervalOrOff(ScenarioSection section, string key, out long picoseconds)
    {
        picoseconds = 0;
        if (!section.TryText(key, out var text, out _)) return false;
        return text == "off" || section.TryTime(key, 1, out picoseconds);
    }
}
