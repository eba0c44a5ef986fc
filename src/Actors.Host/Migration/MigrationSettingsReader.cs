using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Reads and writes the stop conditions of live migrations: the scenario's <c>migration</c> section and the same keys in each
/// element of <c>migrations</c>. <c>preset</c> picks QEMU's or Xen's values (<see cref="MigrationSettings.Qemu"/>,
/// <see cref="MigrationSettings.Xen"/>); every other key set overrides the preset's value, <c>auto</c> keeps it, and <c>""</c>
/// turns a limit off. In an element, <c>auto</c> (every key's default there) keeps the section's value, and a preset named
/// there starts the element from that preset instead of from the section.
/// </summary>
internal static class MigrationSettingsReader
{
    public const string Key = "migration";
    public const string Auto = "auto";
    private const string None = "\"\"";
    private const string PresetKey = "preset";

    private static readonly MigrationSettings[] Presets = [MigrationSettings.Qemu, MigrationSettings.Xen];
    /// <summary>preset: the index of one of <see cref="Presets"/>, or -1 (auto, an element only) for the section's settings.</summary>
    private static readonly ScenarioWordList PresetWords = new(("qemu", 0), ("xen", 1));
    private static readonly ScenarioWordList ElementPresetWords = PresetWords.Prepend(Auto, -1);
    public static readonly ScenarioWordList InFlightWords = new(("drop", (int)InFlightPolicy.Drop), ("forward", (int)InFlightPolicy.Forward));
    public static readonly ScenarioWordList ModeWords = new(("pre-copy", (int)MigrationMode.PreCopy), ("post-copy", (int)MigrationMode.PostCopy));

    /// <summary>
    /// One key: how its text (not <c>auto</c>) changes the settings read so far (null: reported), and its canonical text.
    /// </summary>
    private sealed record Setting(string Key, Func<ScenarioSection, string, MigrationSettings, MigrationSettings?> Read, Func<MigrationSettings, string> Write);

    private static readonly Setting[] Settings =
    [
        new("mode",
            (s, _, m) => s.TryWord("mode", ModeWords, out var mode) ? m with { Mode = (MigrationMode)mode } : null,
            m => ModeWords.WordOf((int)m.Mode)),
        new("downtime-limit",
            (s, text, m) => text.Length == 0 ? m with { DowntimeLimit = null } : s.TryTime("downtime-limit", 1, out var ps) ? m with { DowntimeLimit = ps } : null,
            m => m.DowntimeLimit is { } d ? ScenarioHoconWriter.Time(d) : None),
        new("max-bandwidth",
            (s, text, m) => text.Length == 0 ? m with { MaxBandwidth = default }
                : ByteRate.TryRead(s, "max-bandwidth", text, 1, out var bytes) ? m with { MaxBandwidth = new DataRate(bytes * 8) } : null,
            m => m.MaxBandwidth.BitsPerSecond > 0 ? ByteRate.Format(m.MaxBandwidth.BitsPerSecond / 8) : None),
        new("max-rounds",
            (s, text, m) => text.Length == 0 ? m with { MaxRounds = null } : s.TryInt("max-rounds", 1, 1_000_000, out var n) ? m with { MaxRounds = n } : null,
            m => m.MaxRounds is { } n ? ScenarioHoconWriter.Int(n) : None),
        new("max-data-factor",
            (s, text, m) => text.Length == 0 ? m with { MaxDataFactor = null } : s.TryInt("max-data-factor", 1, 1000, out var n) ? m with { MaxDataFactor = n } : null,
            m => m.MaxDataFactor is { } n ? ScenarioHoconWriter.Int(n) : None),
        new("min-pages",
            (s, _, m) => s.TryInt("min-pages", 0, int.MaxValue, out var n) ? m with { MinPagesToContinue = n } : null,
            m => ScenarioHoconWriter.Int(m.MinPagesToContinue)),
        new("stop-when-round-grows",
            (s, _, m) => s.TryBoolean("stop-when-round-grows", out var on) ? m with { StopWhenRoundGrows = on } : null,
            m => m.StopWhenRoundGrows ? "true" : "false"),
        new("abort-after",
            (s, text, m) => text.Length == 0 ? m with { AbortAfter = null } : s.TryTime("abort-after", 1, out var ps) ? m with { AbortAfter = ps } : null,
            m => m.AbortAfter is { } a ? ScenarioHoconWriter.Time(a) : None),
        new("page-size",
            (s, _, m) => s.TrySize("page-size", 1, 1L << 30, out var bytes) ? m with { PageSize = (int)bytes } : null,
            m => ScenarioHoconWriter.Size(m.PageSize)),
        new("device-state",
            (s, _, m) => s.TrySize("device-state", 0, long.MaxValue, out var bytes) ? m with { DeviceStateBytes = bytes } : null,
            m => ScenarioHoconWriter.Size(m.DeviceStateBytes)),
        new("resume-delay",
            (s, _, m) => s.TryTime("resume-delay", 0, out var ps) ? m with { ResumeDelay = ps } : null,
            m => ScenarioHoconWriter.Time(m.ResumeDelay)),
        new("in-flight",
            (s, _, m) => s.TryWord("in-flight", InFlightWords, out var policy) ? m with { InFlight = (InFlightPolicy)policy } : null,
            m => InFlightWords.WordOf((int)m.InFlight)),
    ];

    /// <summary>The keys a migration's settings are read from (<c>preset</c>, then each setting's), as a directive's options too.</summary>
    public static readonly string[] Keys = [PresetKey, .. Settings.Select(s => s.Key)];

    /// <summary>
    /// A directive's options (NAME VALUE pairs among <see cref="Keys"/>, e.g. <c>mode post-copy</c>) over the scenario's section, read as a
    /// <c>migrations</c> element's: the settings, or the first error.
    /// </summary>
    public static (MigrationSettings? Settings, string Error) ReadOptions(IReadOnlyList<(string Key, string Value)> options, MigrationSettings section) =>
        ScenarioDefaults.ReadOptions(options, MigrationReader.DefaultsPath, s => ReadElement(s, section));

    /// <summary>The scenario's <c>migration</c> section, or null after reporting.</summary>
    public static MigrationSettings? ReadSection(ScenarioSection s)
    {
        var ok = s.TryWord(PresetKey, PresetWords, out var preset);
        // A bad preset still lets the other keys report their own errors.
        return Override(s, Presets[preset]) is { } settings && ok ? settings : null;
    }

    /// <summary>A <c>migrations</c> element's settings: the section's (<paramref name="section"/>) or its own preset's, with its keys over them.</summary>
    public static MigrationSettings? ReadElement(ScenarioSection s, MigrationSettings section)
    {
        var ok = s.TryWord(PresetKey, ElementPresetWords, out var preset);
        return Override(s, ok && preset >= 0 ? Presets[preset] : section) is { } settings && ok ? settings : null;
    }

    private static MigrationSettings? Override(ScenarioSection s, MigrationSettings from)
    {
        var ok = true;
        var settings = from;
        foreach (var setting in Settings)
        {
            if (!s.TryText(setting.Key, out var text, out _)) ok = false;
            else if (text == Auto) continue;
            else if (setting.Read(s, text, settings) is { } read) settings = read;
            else ok = false;
        }
        return ok ? settings : null;
    }

    /// <summary>The section in the resolved scenario: every key written, with the preset it differs least from.</summary>
    public static ResolvedHocon Resolved(MigrationSettings m)
    {
        var preset = PresetWords.WordOf(ClosestPreset(m));
        var section = new ResolvedHocon { [PresetKey] = preset };
        foreach (var setting in Settings) section[setting.Key] = setting.Write(m);
        return section;
    }

    /// <summary>An element's keys in the resolved scenario: those that differ from the section's (the others stay auto).</summary>
    public static void WriteOverrides(MigrationSettings m, MigrationSettings section, ResolvedHocon element)
    {
        foreach (var setting in Differences(m, section)) element[setting.Key] = setting.Write(m);
    }

    /// <summary>The index of the preset <paramref name="m"/> differs least from (the first of equals).</summary>
    private static int ClosestPreset(MigrationSettings m)
    {
        var closest = 0;
        var fewest = int.MaxValue;
        for (var i = 0; i < Presets.Length; i++)
        {
            var differences = Differences(m, Presets[i]).Count();
            if (differences < fewest) (closest, fewest) = (i, differences);
        }
        return closest;
    }

    private static IEnumerable<Setting> Differences(MigrationSettings a, MigrationSettings b) => Settings.Where(k => k.Write(a) != k.Write(b));
}
