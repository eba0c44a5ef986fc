using System.Globalization;
using DcSim.ActorsHost.Migration;
using DcSim.SimCore.Units;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// The grid run side by side with SimGrid's live-migration plugin (RAM 1/4/16 GiB × dirty rate 0/100/1000 MB/s
/// × 1/10 Gb/s, WWS = RAM), each cell against the closed form of the geometric rounds. Prints the table of
/// docs/migration.md. QEMU runs at the link's rate (no max-bandwidth cap, as the peer) and is cut off 1,000 s
/// into a migration that cannot converge, only so that the cell ends.
/// </summary>
public sealed class MigrationGridSpec(ITestOutputHelper output)
{
    private const long GiB = 1L << 30;
    private const double Page = 4096, Device = 2 << 20, Resume = 0.005;
    private static readonly MigrationSettings Qemu = MigrationSettings.Qemu with { MaxBandwidth = default, AbortAfter = 1000 * SimTime.Second };

    [Fact]
    public void Every_grid_cell_must_match_the_closed_form_of_geometric_rounds()
    {
        output.WriteLine("| RAM | dirty rate | link | QEMU rounds | QEMU total | QEMU downtime | Xen rounds | Xen total | Xen downtime | Xen stop |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var ram in new[] { 1, 4, 16 })
        foreach (var dirty in new[] { 0, 100, 1000 })
        foreach (var gbps in new[] { 1, 10 })
        {
            var vm = DirtyPageModel.Uniform(ram * GiB, dirty * 1_000_000L);
            var link = new DataRate(gbps * 1_000_000_000L);
            var qemu = FixedRateChannel.Migrate(vm, Qemu, link);
            var xen = FixedRateChannel.Migrate(vm, MigrationSettings.Xen, link);
            AssertClosedForm(ClosedForm.Qemu(vm, link), qemu);
            AssertClosedForm(ClosedForm.Xen(vm, link), xen);
            output.WriteLine($"| {ram} GiB | {dirty} MB/s | {gbps} Gb/s | {qemu.Rounds} | {Total(qemu)} | {Downtime(qemu)} | "
                + $"{xen.Rounds} | {Total(xen)} | {Downtime(xen)} | {xen.Reason} |");
        }
    }

    private static void AssertClosedForm(ClosedForm expected, MigrationOutcome actual)
    {
        Assert.Equal(expected.Rounds, actual.Rounds);
        Assert.Equal(expected.Converged, actual.Converged);
        Assert.Equal(expected.TotalSeconds, SimTime.ToSeconds(actual.TotalTime), expected.TotalSeconds * 1e-3);
        Assert.Equal(expected.DowntimeSeconds, SimTime.ToSeconds(actual.Downtime), expected.DowntimeSeconds * 1e-3);
    }

    private static string Total(MigrationOutcome o) => SimTime.ToSeconds(o.TotalTime).ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Downtime(MigrationOutcome o) => o.Reason == MigrationStopReason.Aborted
        ? "no convergence"
        : (SimTime.ToSeconds(o.Downtime) * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    /// <summary>
    /// Rounds V_i = RAM × q^i with q = min(1, D / R) (WWS = RAM, whole pages ignored); the round count from
    /// logarithms and geometric sums, not by stepping the rounds.
    /// </summary>
    private sealed record ClosedForm(int Rounds, double TotalSeconds, double DowntimeSeconds, bool Converged)
    {
        public static ClosedForm Qemu(DirtyPageModel vm, DataRate link)
        {
            var (ram, r, q) = Terms(vm, link);
            if (q == 0) return Stop(ram, r, q, 1, converged: true);
            if (q >= 1)
            {
                var rounds = (int)Math.Ceiling(1000 / (ram / r));   // the 1,000 s cut-off, at a round's end
                return new ClosedForm(rounds, rounds * ram / r, 0, false);
            }
            // the first n with RAM q^n ≤ R × 300 ms
            return Stop(ram, r, q, Math.Max(1, (int)Math.Ceiling(Math.Log(r * 0.3 / ram) / Math.Log(q))), converged: true);
        }

        public static ClosedForm Xen(DirtyPageModel vm, DataRate link)
        {
            var (ram, r, q) = Terms(vm, link);
            if (q == 0) return Stop(ram, r, q, 1, converged: true);
            // fewer than 50 pages pending: the first n with RAM q^n < 50 pages
            var few = q >= 1 ? int.MaxValue : (int)Math.Floor(Math.Log(50 * Page / ram) / Math.Log(q)) + 1;
            // more than 3 × RAM sent: the first k with S_k = (1 - q^k) / (1 - q) > 3 (S_k = k when q = 1)
            var data = q >= 1 ? 4 : (int)Math.Floor(Math.Log(1 - 3 * (1 - q)) / Math.Log(q)) + 1;
            if (q < 1 && 1 - 3 * (1 - q) <= 0) data = int.MaxValue;
            var rounds = Math.Min(few, Math.Min(29, data));
            return Stop(ram, r, q, rounds, converged: rounds == few);
        }

        private static (double Ram, double R, double Q) Terms(DirtyPageModel vm, DataRate link)
        {
            var r = link.BitsPerSecond / 8.0;
            return (vm.RamBytes, r, Math.Min(1, vm.DirtyBytesPerSecond / r));
        }

        private static ClosedForm Stop(double ram, double r, double q, int rounds, bool converged)
        {
            var sent = q >= 1 ? rounds * ram : ram * (1 - Math.Pow(q, rounds)) / (1 - q);
            var downtime = (ram * Math.Pow(q, rounds) + Device) / r + Resume;
            return new ClosedForm(rounds, sent / r + downtime, downtime, converged);
        }
    }
}
