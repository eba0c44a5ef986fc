using System.Runtime.CompilerServices;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// The scenarios this process resolved, by the very string of their resolved text. A one-process run sends that string to its
/// coordinator and partitions (local messages are not serialized), which take these settings instead of parsing it again on the way
/// to the first window; parsing the resolved text gives the same settings (cluster runs do it, and their results are the same bytes).
/// Keyed by identity, so an entry lives as long as its text, and text from anywhere else (another process, a journal) is parsed.
/// </summary>
internal static class ResolvedScenarios
{
    private sealed record Entry(ScenarioSettings Settings, IScenarioModelReader Model);

    private static readonly ConditionalWeakTable<string, Entry> ByText = new();

    public static void Add(ScenarioSettings settings, IScenarioModelReader model) => ByText.AddOrUpdate(settings.ResolvedHocon, new Entry(settings, model));

    /// <summary><paramref name="changed"/> (the same scenario with another resolved text) under the model that read the original.</summary>
    public static void AddChanged(ScenarioSettings original, ScenarioSettings changed)
    {
        if (ByText.TryGetValue(original.ResolvedHocon, out var entry)) Add(changed, entry.Model);
    }

    /// <summary>The settings whose resolved text is <paramref name="text"/> itself, read by <paramref name="model"/> from the same folder with the same seed.</summary>
    public static ScenarioSettings? Find(string text, string baseDirectory, IScenarioModelReader model, ulong? seedOverride) =>
        ByText.TryGetValue(text, out var entry) && ReferenceEquals(entry.Model, model) && entry.Settings.BaseDirectory == baseDirectory
        && (seedOverride ?? entry.Settings.Seed) == entry.Settings.Seed
            ? entry.Settings : null;
}
