using System.Globalization;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Tests.Scenario;
using DcSim.SimCore.Units;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// The pre-copy model against SimGrid 3.32's live-migration plugin on the uncontended grid (tools/simgrid-migration,
/// results/simgrid.csv), with the peer's settings: a 30 ms downtime target, no round limit, no device state or resume
/// delay, and SimGrid's LV08 bandwidth factor (0.97 of the link). A transfer's 130 µs latency is left out, so rounds may
/// differ by one where the last round sits at the threshold (tools/simgrid-migration/README.md). The network is not in
/// this check: DcSim's migrations will run over its TCP, a later step.
/// </summary>
public sealed class PreCopyAgainstSimGridSpec(ITestOutputHelper output)
{
    private const long GiB = 1L << 30;
    private const double BandwidthFactor = 0.97;

    private static readonly MigrationSettings SimGridLike = MigrationSettings.Qemu with
    {
        DowntimeLimit = 30 * SimTime.Millisecond, MaxBandwidth = default, DeviceStateBytes = 0, ResumeDelay = 0, AbortAfter = 2000 * SimTime.Second,
    };

    [Fact]
    public void Total_time_must_be_within_10_percent_of_SimGrid_and_both_must_agree_on_convergence()
    {
        var csv = File.ReadAllLines(Path.Combine(ScenarioTestSupport.RepoRoot, "tools/simgrid-migration/results/simgrid.csv"));
        var header = csv[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var cases = 0;
        output.WriteLine("| RAM GiB | dirty MB/s | link Gb/s | SimGrid total s | DcSim total s | SimGrid downtime ms | DcSim downtime ms | SimGrid rounds | DcSim rounds |");
        foreach (var line in csv.Skip(1))
        {
            var f = line.Split(',');
            if (f[Column("compete")] != "none" || f[Column("sharing")] != "splitduplex") continue;
            cases++;
            double D(string name) => double.Parse(f[Column(name)], CultureInfo.InvariantCulture);
            var vm = DirtyPageModel.Uniform((long)D("ram_gib") * GiB, (long)D("dirty_mbps") * 1_000_000L);
            var link = new DataRate((long)Math.Round(D("link_gbps") * 1e9 * BandwidthFactor));
            var ours = FixedRateChannel.Migrate(vm, SimGridLike, link);
            if (f[Column("outcome")] != "converged")
            {
                Assert.False(ours.Converged, line);
                output.WriteLine($"| {f[0]} | {f[1]} | {f[2]} | aborted | aborted | - | - | - | - |");
                continue;
            }
            Assert.True(ours.Converged, line);
            var total = SimTime.ToSeconds(ours.TotalTime);
            Assert.InRange(total, D("total_s") * 0.9, D("total_s") * 1.1);
            Assert.True(ours.Downtime <= 31 * SimTime.Millisecond, $"{line}: downtime {ours.Downtime} ps");
            Assert.InRange(ours.Rounds - 1, D("rounds") - 1, D("rounds") + 1);
            output.WriteLine($"| {f[0]} | {f[1]} | {f[2]} | {D("total_s"):0.###} | {total:0.###} | {D("downtime_s") * 1e3:0.##} | "
                + $"{SimTime.ToSeconds(ours.Downtime) * 1e3:0.##} | {f[Column("rounds")]} | {ours.Rounds - 1} |");
        }
        Assert.Equal(18, cases);
    }
}
