using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// The defaults and the schema of scenarios: config/reference.conf, embedded into this assembly. A key is
/// valid in a scenario exactly when reference.conf has it, so the file documents and defines the format.
/// </summary>
public sealed class ScenarioReference
{
    public const string ResourceName = "DcSim.reference.conf";
    public const string FileName = "reference.conf";
    public const string ScenarioPath = "dcsim.scenario";
    public const string GeneratorDefaultsPath = "dcsim.generator-defaults";
    public const string GeneratorsPath = "traffic.generators";

    private static readonly Lazy<ScenarioReference> Loaded = new(Load);

    private readonly Config _config;

    private ScenarioReference(Config config, HoconObject scenario, HoconObject generatorDefaults, HoconPositions positions)
    {
        _config = config;
        Scenario = scenario;
        GeneratorDefaults = generatorDefaults;
        Positions = positions;
        var paths = new List<string>();
        CollectPaths(scenario, "", paths);
        CollectPaths(generatorDefaults, GeneratorsPath + "[*]", paths);
        KeyPaths = paths;
    }

    internal static ScenarioReference Instance => Loaded.Value;

    /// <summary>Defaults of the keys of a scenario file (dcsim.scenario).</summary>
    internal HoconObject Scenario { get; }

    /// <summary>Defaults of every element of traffic.generators (dcsim.generator-defaults).</summary>
    internal HoconObject GeneratorDefaults { get; }

    /// <summary>Lines of reference.conf, for errors in a default value that no scenario key encloses.</summary>
    internal HoconPositions Positions { get; }

    /// <summary>Every key path a scenario may set; generator keys as "traffic.generators[*].rate".</summary>
    internal IReadOnlyList<string> KeyPaths { get; }

    private static ScenarioReference Load()
    {
        using var stream = typeof(ScenarioReference).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from {typeof(ScenarioReference).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var positions = HoconScanner.Scan(text);
        if (positions.SyntaxError is { } error)
            throw new InvalidOperationException($"{FileName}:{error.Line}: {error.Message}");
        var config = ConfigurationFactory.ParseString(text);
        return new ScenarioReference(config, ObjectAt(config, ScenarioPath), ObjectAt(config, GeneratorDefaultsPath), positions);
    }

    /// <summary>reference.conf's scenario defaults (dcsim.scenario) as Akka's configuration, for a section read beside the loader (the journal's).</summary>
    public static Config ScenarioConfig => Instance._config.GetConfig(ScenarioPath);

    /// <summary>The object of reference.conf at a full path such as dcsim.generator-defaults.</summary>
    internal HoconObject ObjectAt(string path) => ObjectAt(_config, path);

    private static HoconObject ObjectAt(Config config, string path)
    {
        var value = config.GetValue(path);
        if (value is null || HoconValues.KindOf(value) != HoconKind.Object)
            throw new InvalidOperationException($"{FileName} has no object {path}");
        return value.GetObject();
    }

    private static void CollectPaths(HoconObject schema, string prefix, List<string> paths)
    {
        foreach (var (key, value) in schema.Items)
        {
            var path = HoconPositions.Join(prefix, key);
            paths.Add(path);
            if (HoconValues.KindOf(value) == HoconKind.Object) CollectPaths(value.GetObject(), path, paths);
        }
    }
}
