using Akka.Configuration.Hocon;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// The model's part of a scenario (the fabric, the servers, the traffic ...), as its own project read it.
/// Sim.Core carries it from the loader to the model's <see cref="Kernel.IModelFactory"/> without looking inside.
/// </summary>
public interface IScenarioModel
{
    /// <summary>Adds the model's keys to the resolved scenario: every key of its sections, values in canonical units.</summary>
    void WriteResolved(ResolvedHocon root);

    /// <summary>What a run of this model will roughly cost, checked before a run starts.</summary>
    ScenarioCostEstimate EstimateCost();
}

/// <summary>
/// Reads the model's sections of a scenario; each project reads its own keys through <see cref="ScenarioSection"/>,
/// which locates every problem at its file, line and key.
/// </summary>
public interface IScenarioModelReader
{
    /// <summary>The model's settings, or null after reporting every problem to <see cref="ScenarioReadContext.Diagnostics"/>.</summary>
    IScenarioModel? Read(ScenarioSection root, ScenarioReadContext context);
}

/// <summary>What a model reader may need besides its sections.</summary>
public sealed class ScenarioReadContext
{
    internal ScenarioReadContext(ScenarioDiagnostics diagnostics, string baseDirectory, long? durationPs)
    {
        Diagnostics = diagnostics;
        BaseDirectory = baseDirectory;
        DurationPs = durationPs;
    }

    public ScenarioDiagnostics Diagnostics { get; }

    /// <summary>Where relative paths of the scenario (CDF and rules files) resolve.</summary>
    public string BaseDirectory { get; }

    /// <summary>The scenario's duration, null when it is invalid (already reported).</summary>
    public long? DurationPs { get; }

    /// <summary>
    /// An object of a list whose elements are completed from an object of reference.conf (as every generator is
    /// from dcsim.generator-defaults): the keys the element sets that those defaults lack are reported here.
    /// </summary>
    public ScenarioSection ListElement(string path, HoconObject element, string defaultsPath)
    {
        var reference = ScenarioReference.Instance;
        var defaults = reference.ObjectAt(defaultsPath);
        ScenarioKeyCheck.Check(Diagnostics, reference, element, defaults, path);
        return new ScenarioSection(Diagnostics, path, element, defaults, defaultsPath);
    }
}

/// <summary>Settings read from reference.conf alone, for code that runs without a scenario (the cache sweep, tests).</summary>
public static class ScenarioDefaults
{
    /// <summary>Reads the defaults with <paramref name="read"/> from the root of a scenario that sets nothing.</summary>
    /// <exception cref="InvalidOperationException">A default of reference.conf is invalid (<paramref name="read"/> reported it).</exception>
    public static T Read<T>(Func<ScenarioSection, ScenarioReadContext, T> read)
    {
        var reference = ScenarioReference.Instance;
        var diagnostics = new ScenarioDiagnostics(ScenarioReference.FileName, HoconScanner.Scan(""), reference);
        var root = new ScenarioSection(diagnostics, "", null, reference.Scenario, ScenarioReference.ScenarioPath);
        var context = new ScenarioReadContext(diagnostics, ".", null);
        var value = read(root, context);
        try
        {
            diagnostics.ThrowIfAny();
        }
        catch (ScenarioException e)
        {
            throw new InvalidOperationException($"invalid defaults in {ScenarioReference.FileName}: {e.Message}", e);
        }
        return value;
    }

    /// <summary>
    /// Reads NAME VALUE options given outside a scenario (a shell directive's) as the keys of one object completed from
    /// <paramref name="defaultsPath"/> of reference.conf, with the scenario's own reader for them (<paramref name="read"/>), so that their
    /// parsing, checks and defaults are the scenario's: the value read, or the first error ("KEY: MESSAGE").
    /// </summary>
    public static (T? Value, string Error) ReadOptions<T>(IReadOnlyList<(string Key, string Value)> options, string defaultsPath, Func<ScenarioSection, T?> read)
        where T : class
    {
        var text = string.Join('\n', options.Select(o => $"{o.Key} = \"{o.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\""));
        var reference = ScenarioReference.Instance;
        var diagnostics = new ScenarioDiagnostics("options", HoconScanner.Scan(text), reference);
        var section = new ScenarioSection(diagnostics, "", Akka.Configuration.ConfigurationFactory.ParseString(text).Root.GetObject(),
            reference.ObjectAt(defaultsPath), defaultsPath);
        var value = read(section);
        return diagnostics.FirstError is { } first ? (null, $"{first.Key}: {first.Message}") : (value, "");
    }
}
