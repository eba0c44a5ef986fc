using System.Globalization;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// config/scenarios/felter-2015.conf through the real executable: the netperf UDP_RR round trips of Felter et al.
/// (ISPASS 2015, calibration.md §3.1) — native 36.02 us, KVM 63.95 us — within 15 %, and the orderings the issue asks
/// for: native <= Docker host < Docker NAT, native < KVM. The run prints them beside the paper's figures.
/// </summary>
public sealed class FelterCalibrationSpec
{
    [Fact]
    public void Felter_scenario_must_reproduce_the_papers_round_trips_and_their_order()
    {
        // arrange
        var output = Scratch.Directory("felter");

        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(4), "run", Dcsim.RepositoryFile("config/scenarios/felter-2015.conf"), "--out", output);

        // assert: one loop per generator, in generator order: native, KVM, Docker host, Docker NAT
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var rows = File.ReadAllLines(Path.Combine(output, "rr.csv"));
        var header = rows[0].Split(',');
        var rtt = rows.Skip(1).Select(r => double.Parse(r.Split(',')[Array.IndexOf(header, "rtt_mean_us")], CultureInfo.InvariantCulture)).ToArray();
        var lost = rows.Skip(1).Select(r => long.Parse(r.Split(',')[Array.IndexOf(header, "lost")], CultureInfo.InvariantCulture));
        Assert.Equal(4, rtt.Length);
        var (native, kvm, dockerHost, dockerNat) = (rtt[0], rtt[1], rtt[2], rtt[3]);
        Assert.InRange(native, 36.02 * 0.85, 36.02 * 1.15);
        Assert.InRange(kvm, 63.95 * 0.85, 63.95 * 1.15);
        Assert.True(native <= dockerHost && dockerHost < dockerNat, $"native {native}, Docker host {dockerHost}, Docker NAT {dockerNat}");
        Assert.True(native < kvm, $"native {native}, KVM {kvm}");
        Assert.All(lost, l => Assert.Equal(0, l));
        Assert.Contains("published rtt us", result.Stdout);
        Assert.Matches(@"native\s+36\.\d\d\s+27,7\d\d\s+36\.02", result.Stdout);
        Assert.Matches(@"KVM\s+\d\d\.\d\d\s+1\d,\d{3}\s+63\.95", result.Stdout);
    }
}
