using System.Diagnostics;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// Wireshark's command-line reader, as the oracle that a capture is a real pcap file. CI installs it (.ci/run sets
/// DCSIM_REQUIRE_TSHARK=1, and a missing tshark fails there); elsewhere a test that needs it is skipped when it is missing.
/// </summary>
internal static class Tshark
{
    public static string? Executable { get; } = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, "tshark")).FirstOrDefault(File.Exists);

    public static bool Required => Environment.GetEnvironmentVariable("DCSIM_REQUIRE_TSHARK") == "1";

    /// <summary>
    /// The lines tshark prints for <paramref name="file"/> with <paramref name="args"/>. Wireshark's TAPA dissector claims UDP port 5000
    /// (the model's first server port) and calls the zero payload of a short datagram malformed, so it is switched off.
    /// </summary>
    public static string[] Read(string file, params string[] args)
    {
        Assert.True(Executable is not null, "tshark is not installed (apt-get install tshark)");
        var psi = new ProcessStartInfo(Executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-r", file, "--disable-protocol", "tapa", .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"tshark {string.Join(' ', psi.ArgumentList)}: exit {p.ExitCode}: {error.Result}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>A fact that needs tshark: skipped when it is missing, unless DCSIM_REQUIRE_TSHARK=1 (then it fails).</summary>
public sealed class TsharkFactAttribute : FactAttribute
{
    public TsharkFactAttribute()
    {
        if (Tshark.Executable is null && !Tshark.Required)
            Skip = "tshark is not installed (apt-get install tshark; CI sets DCSIM_REQUIRE_TSHARK=1 to make this a failure)";
    }
}
