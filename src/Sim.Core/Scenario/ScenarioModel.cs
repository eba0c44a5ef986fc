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
}
