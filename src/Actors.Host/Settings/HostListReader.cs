using System.Globalization;
using Akka.Configuration.Hocon;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Settings;

/// <summary>
/// Reads a selection of servers: "all", or a list of host indices and "a-b" ranges (a single index or range is
/// accepted too), checked against the topology; the result is sorted and distinct.
/// </summary>
public static class HostListReader
{
    public static bool IsAll(HoconValue value) =>
        HoconValues.KindOf(value) == HoconKind.Scalar && HoconValues.Text(value).Trim() == GeneratorWords.AllHosts;

    /// <summary>
    /// Hosts 0 to <paramref name="count"/> - 1. A loop: Enumerable.Range(...).ToList() is generic code over int that ReadyToRun leaves out,
    /// JIT-compiled (its vectorized fill: 7 ms) on the way to a run's start.
    /// </summary>
    public static List<int> All(int count)
    {
        var hosts = new List<int>(count);
        for (var h = 0; h < count; h++) hosts.Add(h);
        return hosts;
    }

    /// <summary>The hosts <paramref name="key"/> of <paramref name="s"/> lists, or null after reporting (or when the host count is unknown).</summary>
    public static List<int>? Read(ScenarioSection s, string key, int? hostCount)
    {
        var (value, fromFile) = s.Get(key);
        if (IsAll(value)) return hostCount is { } all ? All(all) : null;
        var items = new List<(string Key, string Text)>();
        switch (HoconValues.KindOf(value))
        {
            case HoconKind.Scalar:
                items.Add((key, HoconValues.Text(value).Trim()));
                break;
            case HoconKind.List:
                var elements = HoconValues.Elements(value);
                for (var i = 0; i < elements.Count; i++)
                {
                    if (HoconValues.KindOf(elements[i]) != HoconKind.Scalar)
                    {
                        s.Report($"{key}[{i}]", fromFile, $"expected a host index or a range \"a-b\", found {HoconValues.Describe(elements[i])}");
                        return null;
                    }
                    items.Add(($"{key}[{i}]", HoconValues.Text(elements[i]).Trim()));
                }
                break;
            default:
                s.Report(key, fromFile, $"expected all, or a list of host indices and ranges such as [\"0-15\", 20], found {HoconValues.Describe(value)}");
                return null;
        }
        if (items.Count == 0)
        {
            s.Report(key, fromFile, "the list of hosts is empty; list at least one host, or write all");
            return null;
        }
        // Ranges, merged at the end: "0-8000000" listed 10,000 times costs a sort, not 10,000 loops over every host.
        var ranges = new List<(int First, int Last)>();
        var ok = true;
        foreach (var (itemKey, text) in items)
        {
            if (text.Length == 0)
            {
                s.Report(itemKey, fromFile, "a host entry is empty; write a host index, a range \"a-b\", or all");
                ok = false;
            }
            else if (!TryParseHostItem(text, out var first, out var last))
            {
                s.Report(itemKey, fromFile, $"expected a host index or a range \"a-b\" with a <= b, got '{text}'");
                ok = false;
            }
            else if (hostCount is { } n && (first < 0 || last >= n))
            {
                s.Report(itemKey, fromFile, $"host '{text}' is out of range: the topology has {n} hosts, 0-{n - 1} (leaves * hosts-per-leaf)");
                ok = false;
            }
            else ranges.Add((first, last));
        }
        return ok && hostCount is not null ? Merge(ranges) : null;
    }

    /// <summary>The hosts of some ranges, sorted and distinct.</summary>
    private static List<int> Merge(List<(int First, int Last)> ranges)
    {
        ranges.Sort();
        var hosts = new List<int>();
        var next = int.MinValue; // the first host not yet listed
        foreach (var (first, last) in ranges)
        {
            for (long h = Math.Max(first, next); h <= last; h++) hosts.Add((int)h);
            next = Math.Max(next, last + 1);
        }
        return hosts;
    }

    private static bool TryParseHostItem(string text, out int first, out int last)
    {
        first = last = 0;
        var dash = text.IndexOf('-', 1); // from 1: "-3" is a (negative) index, not a range
        if (dash < 0)
        {
            var single = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out first);
            last = first;
            return single;
        }
        return int.TryParse(text.AsSpan(0, dash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && int.TryParse(text.AsSpan(dash + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && first <= last;
    }

    /// <summary>
    /// The list as a scenario writes it: all, or runs of three or more consecutive hosts as "a-b" and the rest as
    /// indices; a list that is not sorted and distinct (an explicit placement) is written as it is.
    /// </summary>
    public static string Format(IReadOnlyList<int> hosts, int hostCount)
    {
        var sorted = true;
        for (var i = 1; i < hosts.Count; i++) sorted &= hosts[i] > hosts[i - 1];
        if (!sorted) return "[" + string.Join(", ", hosts.Select(h => ScenarioHoconWriter.Int(h))) + "]";
        if (hosts.Count == hostCount && hosts[0] == 0 && hosts[^1] == hostCount - 1) return GeneratorWords.AllHosts;
        var items = new List<string>();
        for (var i = 0; i < hosts.Count;)
        {
            var j = i;
            while (j + 1 < hosts.Count && hosts[j + 1] == hosts[j] + 1) j++;
            if (j - i >= 2) items.Add(ScenarioHoconWriter.Quote($"{hosts[i]}-{hosts[j]}"));
            else for (var k = i; k <= j; k++) items.Add(ScenarioHoconWriter.Int(hosts[k]));
            i = j + 1;
        }
        return "[" + string.Join(", ", items) + "]";
    }
}
