using System.Globalization;
using Akka.Configuration.Hocon;
using DcSim.SimCore.Units;

namespace DcSim.SimCore.Scenario;

/// <summary>A value read from a section: from the scenario file, or the default when the file does not set it.</summary>
public readonly record struct ScenarioValue(HoconValue Value, bool FromFile);

/// <summary>
/// One object of the scenario (the root, "topology", "traffic.generators[2]", ...) seen through its
/// defaults: reads each key from the file when set there, else from reference.conf, converts it to a typed
/// value and reports a located error when it cannot. Every Try method returns false after reporting, so
/// callers skip the checks that depend on that value instead of piling up follow-on errors.
/// </summary>
public sealed class ScenarioSection
{
    private readonly ScenarioDiagnostics _diagnostics;
    private readonly HoconObject? _file;
    private readonly HoconObject _defaults;
    private readonly string _referencePath;

    public ScenarioSection(ScenarioDiagnostics diagnostics, string path, HoconObject? file, HoconObject defaults, string referencePath)
    {
        _diagnostics = diagnostics;
        Path = path;
        _file = file;
        _defaults = defaults;
        _referencePath = referencePath;
    }

    /// <summary>Full dotted path of this object ("" for the root).</summary>
    public string Path { get; }

    public string PathOf(string key) => HoconPositions.Join(Path, key);

    /// <summary>A nested object; when the file sets that key to something other than an object (already reported), only its defaults are used.</summary>
    public ScenarioSection Child(string key)
    {
        var file = FileValue(key) is { } v && HoconValues.KindOf(v) == HoconKind.Object ? v.GetObject() : null;
        return new ScenarioSection(_diagnostics, PathOf(key), file, _defaults.Items[key].GetObject(), HoconPositions.Join(_referencePath, key));
    }

    public ScenarioValue Get(string key) =>
        FileValue(key) is { } v ? new ScenarioValue(v, true) : new ScenarioValue(_defaults.Items[key], false);

    public void Report(string key, bool fromFile, string message) =>
        _diagnostics.Report(PathOf(key), HoconPositions.Join(_referencePath, StripIndex(key)), fromFile, message);

    /// <summary>The text of a simple value; false (reported) for an object or a list.</summary>
    public bool TryText(string key, out string text, out bool fromFile)
    {
        var (value, file) = Get(key);
        fromFile = file;
        text = "";
        var kind = HoconValues.KindOf(value);
        if (kind == HoconKind.Scalar) { text = HoconValues.Text(value).Trim(); return true; }
        Report(key, file, kind == HoconKind.Empty ? "missing value" : $"expected a single value, found {HoconValues.Describe(value)}");
        return false;
    }

    public bool TryText(string key, out string text) => TryText(key, out text, out _);

    public bool TryInt(string key, int min, int max, out int value)
    {
        value = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            Report(key, file, $"expected a whole number, got '{text}'");
            return false;
        }
        if (v < min || v > max)
        {
            Report(key, file, v < min ? $"must be at least {min}, got {v}" : $"must be at most {max}, got {v}");
            return false;
        }
        value = (int)v;
        return true;
    }

    public bool TryULong(string key, out ulong value)
    {
        value = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        Report(key, file, long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed) && signed < 0
            ? $"must be at least 0, got {text}"
            : $"expected a whole number from 0 to {ulong.MaxValue}, got '{text}'");
        return false;
    }

    /// <summary>A duration in picoseconds, at least <paramref name="min"/> (0: may be zero, 1: must be positive). A bare "0" is accepted.</summary>
    public bool TryTime(string key, long min, out long picoseconds)
    {
        picoseconds = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (text == "0") return Check(min <= 0, key, file, "must be greater than 0, got '0'");
        if (!QuantityParser.TryParseTime(text, out picoseconds, out var error))
        {
            // "-1us" fails to parse as a number; say what is really wrong with it.
            var negative = text.StartsWith('-') && QuantityParser.TryParseTime(text[1..], out _, out _);
            Report(key, file, negative ? $"{Minimum(min)}, got '{text}'" : error);
            return false;
        }
        return Check(picoseconds >= min, key, file, $"{Minimum(min)}, got '{text}'");
    }

    public bool TryRate(string key, out DataRate rate)
    {
        rate = default;
        if (!TryText(key, out var text, out var file)) return false;
        if (QuantityParser.TryParseRate(text, out rate, out var error)) return true;
        var negative = text.StartsWith('-') && QuantityParser.TryParseRate(text[1..], out _, out _);
        Report(key, file, negative ? $"must be greater than 0, got '{text}'" : error);
        return false;
    }

    /// <summary>A clock frequency with a unit (2.5GHz, 800MHz), greater than 0, in whole hertz.</summary>
    public bool TryFrequency(string key, out long hertz)
    {
        hertz = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (QuantityParser.TryParseFrequency(text, out hertz, out var error)) return true;
        var negative = text.StartsWith('-') && QuantityParser.TryParseFrequency(text[1..], out _, out _);
        Report(key, file, negative ? $"must be greater than 0, got '{text}'" : error);
        return false;
    }

    /// <summary>A size with a unit (1000B, 64KiB, 1MB) in [min, max] bytes.</summary>
    public bool TrySize(string key, long min, long max, out long bytes)
    {
        bytes = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (!QuantityParser.TryParseSize(text, out bytes, out var error))
        {
            var negative = text.StartsWith('-') && QuantityParser.TryParseSize(text[1..], out _, out _);
            Report(key, file, negative ? $"must be at least {min} B, got '{text}'" : error);
            return false;
        }
        if (bytes < min) return Check(false, key, file, $"must be at least {min} B, got '{text}'");
        return Check(bytes <= max, key, file, $"must be at most {max} B, got '{text}'");
    }

    /// <summary>A fraction greater than 0 and at most 1 (a probability that must not be zero, a filter gain).</summary>
    public bool TryFraction(string key, out double value)
    {
        value = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            Report(key, file, $"expected a number greater than 0 and at most 1, got '{text}'");
            return false;
        }
        return Check(value > 0 && value <= 1, key, file, $"must be greater than 0 and at most 1, got {text}");
    }

    /// <summary>The value of the word <paramref name="key"/> holds, one of <paramref name="words"/>; the message lists them all.</summary>
    public bool TryWord(string key, ScenarioWordList words, out int value)
    {
        value = 0;
        if (!TryText(key, out var text, out var file)) return false;
        if (words.TryFind(text, out value)) return true;
        ReportNotOneOf(key, file, text, words.Words);
        return false;
    }

    /// <summary>A boolean, in HOCON's words (<see cref="ScenarioWords.Booleans"/>).</summary>
    public bool TryBoolean(string key, out bool value)
    {
        var ok = TryWord(key, ScenarioWords.Booleans, out var number);
        value = number != 0;
        return ok;
    }

    private void ReportNotOneOf(string key, bool fromFile, string text, IEnumerable<string> words)
    {
        var allowed = string.Join(", ", words);
        var close = ScenarioSuggestions.Closest(text, words);
        Report(key, fromFile, $"'{text}' is not one of {allowed}" + (close is null ? "" : $"; did you mean '{close}'?"));
    }

    /// <summary>Reports <paramref name="message"/> unless <paramref name="ok"/>; returns <paramref name="ok"/>.</summary>
    public bool Check(bool ok, string key, bool fromFile, string message)
    {
        if (!ok) Report(key, fromFile, message);
        return ok;
    }

    private HoconValue? FileValue(string key) =>
        _file is not null && _file.Items.TryGetValue(key, out var v) ? v : null;

    private static string Minimum(long min) => min > 0 ? "must be greater than 0" : "must not be negative";

    /// <summary>"hosts[3]" → "hosts": reference.conf has no list elements.</summary>
    private static string StripIndex(string key)
    {
        var open = key.IndexOf('[');
        return open < 0 ? key : key[..open];
    }
}
