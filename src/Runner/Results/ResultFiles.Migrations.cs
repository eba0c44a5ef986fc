using System.Globalization;
using System.Text;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Results;

/// <summary>migrations.csv: one row per live migration of the scenario (written only when it has some).</summary>
internal static partial class ResultFiles
{
    public const string MigrationsFile = "migrations.csv";

    /// <summary>Result files a run writes only when its scenario has what they describe.</summary>
    public static readonly string[] OptionalNames = [MigrationsFile];

    /// <summary>
    /// In migration order: where and when, the rounds and bytes, the downtime, why the rounds stopped, and the frames the move lost (inside
    /// the unplugged vNIC, and arriving at the source after the VM stopped there) or forwarded, and the latency of the data delivered on the
    /// two servers before the migration, during it (to the VM's resumption) and after. Times in seconds; -1 when not reached.
    /// </summary>
    public static string MigrationsCsv(ScenarioSettings scenario, ResultsBuilder results)
    {
        var plan = scenario.Datacenter().Plan;
        var sb = new StringBuilder();
        sb.Append("migration,vm,from,to,outcome,requested_s,start_s,stop_s,end_s,total_s,rounds,precopy_bytes,stop_copy_bytes,total_bytes,")
          .Append("downtime_ms,stop_reason,lost_in_vnic,dropped_at_source,forwarded_from_source");
        foreach (var period in MigrationResults.Periods) sb.Append(CultureInfo.InvariantCulture, $",packets_{period},latency_p50_us_{period},latency_p99_us_{period}");
        sb.Append('\n');
        foreach (var m in results.Components.Values.Where(c => c.Kind == MigrationResults.Kind).OrderBy(c => c[MigrationResults.Index]))
        {
            var phase = (MigrationPhase)m[MigrationResults.Phase];
            // Completed means resumed at the destination (and, after a post-copy, all memory there) within the run.
            var outcome = phase switch
            {
                MigrationPhase.Completed when m[MigrationResults.EndPs] <= scenario.DurationPs => "completed",
                MigrationPhase.Aborted => "aborted",
                MigrationPhase.NotStarted => "not-started",
                _ => "in-progress",
            };
            var reason = m[MigrationResults.Method] > 0 ? ContainerMethodName(m) : m[MigrationResults.Reason] < 0 ? "" : StopReasonName((MigrationStopReason)m[MigrationResults.Reason]);
            var (start, end) = (m[MigrationResults.StartPs], m[MigrationResults.EndPs]);
            var pre = m[MigrationResults.PreCopyBytes];
            var stopCopy = m[MigrationResults.StopAndCopyBytes];
            sb.Append(CultureInfo.InvariantCulture, $"{m[MigrationResults.Index]},{plan.NameOf((int)m[MigrationResults.Entity])},")
              .Append(CultureInfo.InvariantCulture, $"host{m[MigrationResults.From]},host{m[MigrationResults.To]},{outcome},")
              .Append(CultureInfo.InvariantCulture, $"{Seconds(m[MigrationResults.RequestedPs])},{Seconds(start)},{Seconds(m[MigrationResults.StopPs])},{Seconds(end)},")
              .Append(CultureInfo.InvariantCulture, $"{(end < 0 || start < 0 ? -1 : Round((end - start) / 1e12))},{m[MigrationResults.Rounds]},{pre},{stopCopy},{pre + stopCopy},")
              .Append(CultureInfo.InvariantCulture, $"{Round(m[MigrationResults.DowntimePs] / 1e9)},{reason},{m[MigrationResults.UnpluggedPackets]},")
              .Append(CultureInfo.InvariantCulture, $"{m[MigrationResults.DroppedAtSource]},{m[MigrationResults.ForwardedFromSource]}");
            var traffic = results.Histograms.GetValueOrDefault(MigrationResults.TrafficFamily);
            for (var period = 0; period < MigrationResults.Periods.Length; period++)
            {
                var h = traffic?.GetValueOrDefault(MigrationResults.TrafficKey((int)m[MigrationResults.Index], period));
                sb.Append(CultureInfo.InvariantCulture, $",{h?.Count ?? 0},{Round((h?.PercentileNs(50) ?? 0) / 1e3)},{Round((h?.PercentileNs(99) ?? 0) / 1e3)}");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A container's move says so in stop_reason: container-restart or container-criu.</summary>
    private static string ContainerMethodName(ComponentCounters m) =>
        (ContainerMoveMethod)(m[MigrationResults.Method] - 1) == ContainerMoveMethod.Restart ? "container-restart" : "container-criu";

    private static double Seconds(long ps) => ps < 0 ? -1 : Round(ps / 1e12);

    private static string StopReasonName(MigrationStopReason reason) => reason switch
    {
        MigrationStopReason.DowntimeTarget => "downtime-target",
        MigrationStopReason.FewDirtyPages => "few-dirty-pages",
        MigrationStopReason.RoundGrew => "round-grew",
        MigrationStopReason.RoundLimit => "round-limit",
        MigrationStopReason.DataLimit => "data-limit",
        MigrationStopReason.Aborted => "aborted",
        MigrationStopReason.PostCopy => "post-copy",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "a stop reason without a name in migrations.csv"),
    };

    /// <summary>The VMs that migrated within the run: (entity, new server, when it runs there), in migration order.</summary>
    public static IEnumerable<(int Entity, int Server, long At)> CompletedMoves(ScenarioSettings scenario, ResultsBuilder results) =>
        results.Components.Values.Where(c => c.Kind == MigrationResults.Kind).OrderBy(c => c[MigrationResults.Index])
            .Where(m => (MigrationPhase)m[MigrationResults.Phase] == MigrationPhase.Completed && m[MigrationResults.EndPs] <= scenario.DurationPs)
            .Select(m => ((int)m[MigrationResults.Entity], (int)m[MigrationResults.To], m[MigrationResults.EndPs]));

    /// <summary>One line per migration (only runs that have them): where, how it ended, and what it cost.</summary>
    private static void AppendMigrations(StringBuilder sb, ScenarioSettings scenario, ResultsBuilder results)
    {
        var plan = scenario.Datacenter().Plan;
        foreach (var m in results.Components.Values.Where(c => c.Kind == MigrationResults.Kind).OrderBy(c => c[MigrationResults.Index]))
        {
            var (start, end) = (m[MigrationResults.StartPs], m[MigrationResults.EndPs]);
            var done = (MigrationPhase)m[MigrationResults.Phase] == MigrationPhase.Completed && end <= scenario.DurationPs;
            var how = done && m[MigrationResults.Method] > 0
                ? $"{ContainerMethodName(m)}, {(end - start) / 1e12:0.000} s, {m[MigrationResults.StopAndCopyBytes] / 1e6:N1} MB, downtime {m[MigrationResults.DowntimePs] / 1e9:0.0} ms, "
                  + $"{m[MigrationResults.UnpluggedPackets] + m[MigrationResults.DroppedAtSource]:N0} packets lost"
                : done
                ? $"{(end - start) / 1e12:0.000} s, {m[MigrationResults.Rounds]} round(s), {(m[MigrationResults.PreCopyBytes] + m[MigrationResults.StopAndCopyBytes]) / 1e6:N1} MB, "
                  + $"downtime {m[MigrationResults.DowntimePs] / 1e9:0.0} ms, {m[MigrationResults.UnpluggedPackets] + m[MigrationResults.DroppedAtSource]:N0} packets lost"
                : (MigrationPhase)m[MigrationResults.Phase] == MigrationPhase.Aborted ? "aborted: the VM stayed" : "not finished by the end of the run";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"migrate  {plan.NameOf((int)m[MigrationResults.Entity])} host{m[MigrationResults.From]} -> host{m[MigrationResults.To]}: {how}");
        }
    }
}
