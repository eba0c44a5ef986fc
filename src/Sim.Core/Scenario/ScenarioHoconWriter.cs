using System.Globalization;
using System.Text;
using DcSim.SimCore.Units;

namespace DcSim.SimCore.Scenario;

/// <summary>An object of the resolved scenario: each value is HOCON text, an object, or a list of objects; written with its keys in ordinal order.</summary>
/// <remarks>
/// A Dictionary sorted when written, not a SortedDictionary: the runtime's image has no precompiled SortedDictionary&lt;string, object&gt;, whose
/// ~40 methods were JIT-compiled on the way to a run's first window (docs/benchmarks.md, "eleventh round").
/// </remarks>
public sealed class ResolvedHocon : Dictionary<string, object>
{
    public ResolvedHocon() : base(StringComparer.Ordinal) { }
}

/// <summary>
/// Renders a validated scenario as HOCON with every key of reference.conf present, keys sorted, values in
/// canonical exact units: the same settings always give the same bytes (results echo it, cluster nodes
/// receive it) and parsing the text again gives the same settings. The core keys are written here, the
/// model's by its settings (<see cref="IScenarioModel.WriteResolved"/>) with the helpers below. CDF and
/// vswitch rules paths stay as written, so they resolve against the same base directory.
/// </summary>
public static class ScenarioHoconWriter
{
    public static string Write(ScenarioSettings s)
    {
        var root = new ResolvedHocon
        {
            ["name"] = Quote(s.Name),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["duration"] = Time(s.DurationPs),
            ["kernel"] = new ResolvedHocon
            {
                ["partitions"] = s.Kernel.Partitions == 0 ? ScenarioWords.AutoPartitions : Int(s.Kernel.Partitions),
                ["progress-interval"] = Time(s.Kernel.ProgressIntervalPs),
            },
        };
        WriteCheckpoints(s.Kernel, (ResolvedHocon)root["kernel"]);
        WriteLayout(s.Kernel, (ResolvedHocon)root["kernel"]);
        if (s.Capture.Enabled) root["pcap"] = s.Capture.Resolved();
        s.Model.WriteResolved(root);
        var text = new StringBuilder();
        WriteFields(text, root, 0);
        return text.ToString();
    }

    /// <summary>
    /// The checkpoint intervals, only where they differ from the reference defaults (off, 30 s): they never change a result, so the
    /// resolved scenario a run echoes stays as it was for runs that leave them alone.
    /// </summary>
    private static void WriteCheckpoints(KernelSettings kernel, ResolvedHocon node)
    {
        if (kernel.CheckpointIntervalPs > 0) node["checkpoint-interval"] = Time(kernel.CheckpointIntervalPs);
        if (kernel.CheckpointWallInterval != DefaultCheckpointWallInterval)
            node["checkpoint-wall-interval"] = kernel.CheckpointWallInterval == TimeSpan.Zero ? "off" : Time((long)kernel.CheckpointWallInterval.TotalMilliseconds * SimTime.Millisecond);
    }

    /// <summary>The layout and its pilot, only where they differ from the reference defaults (balanced, 0.01), as the checkpoints are.</summary>
    private static void WriteLayout(KernelSettings kernel, ResolvedHocon node)
    {
        if (kernel.Layout != PartitionLayoutKind.Balanced) node["layout"] = ScenarioWords.PartitionLayouts.WordOf((int)kernel.Layout);
        if (kernel.LayoutPilot != KernelSettings.DefaultLayoutPilot) node["layout-pilot"] = kernel.LayoutPilot.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>reference.conf's kernel.checkpoint-wall-interval.</summary>
    private static readonly TimeSpan DefaultCheckpointWallInterval = TimeSpan.FromSeconds(30);

    /// <summary>The largest unit that keeps the value whole: 51ms, 1500ns, 0s.</summary>
    public static string Time(long ps) => ps switch
    {
        0 => "0s",
        _ when ps % SimTime.Second == 0 => $"{ps / SimTime.Second}s",
        _ when ps % SimTime.Millisecond == 0 => $"{ps / SimTime.Millisecond}ms",
        _ when ps % SimTime.Microsecond == 0 => $"{ps / SimTime.Microsecond}us",
        _ when ps % SimTime.Nanosecond == 0 => $"{ps / SimTime.Nanosecond}ns",
        _ => $"{ps}ps",
    };

    /// <summary>The largest unit that keeps the value whole: 2500MHz, 3GHz, 1500Hz.</summary>
    public static string Frequency(long hz) => hz switch
    {
        _ when hz % 1_000_000_000 == 0 => $"{hz / 1_000_000_000}GHz",
        _ when hz % 1_000_000 == 0 => $"{hz / 1_000_000}MHz",
        _ when hz % 1_000 == 0 => $"{hz / 1_000}KHz",
        _ => $"{hz}Hz",
    };

    /// <summary>Bytes below 10000 (packet sizes read best that way), else the largest decimal unit that keeps the value whole, else a binary one: 1400B, 20KB, 1MB, 64KiB.</summary>
    public static string Size(long bytes)
    {
        if (bytes < 10_000) return $"{bytes}B";
        (long Factor, string Unit)[] units = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB"), (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB")];
        foreach (var (factor, unit) in units)
        {
            if (bytes % factor == 0) return $"{bytes / factor}{unit}";
        }
        return $"{bytes}B";
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A real number, round-trippable.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A JSON-style quoted string, which Akka's parser reads back unchanged.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ' or '\u007f': quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    private static void WriteFields(StringBuilder text, ResolvedHocon node, int depth)
    {
        var indent = new string(' ', depth * 2);
        var keys = new string[node.Count];
        node.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var value = node[key];
            switch (value)
            {
                case ResolvedHocon child:
                    text.Append(indent).Append(key).Append(" {\n");
                    WriteFields(text, child, depth + 1);
                    text.Append(indent).Append("}\n");
                    break;
                case List<ResolvedHocon> { Count: 0 }:
                    text.Append(indent).Append(key).Append(" = []\n");
                    break;
                case List<ResolvedHocon> list:
                    text.Append(indent).Append(key).Append(" = [\n");
                    for (var i = 0; i < list.Count; i++)
                    {
                        text.Append(indent).Append("  {\n");
                        WriteFields(text, list[i], depth + 2);
                        text.Append(indent).Append(i < list.Count - 1 ? "  },\n" : "  }\n");
                    }
                    text.Append(indent).Append("]\n");
                    break;
                default:
                    text.Append(indent).Append(key).Append(" = ").Append((string)value).Append('\n');
                    break;
            }
        }
    }
}
