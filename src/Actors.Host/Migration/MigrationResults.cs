namespace DcSim.ActorsHost.Migration;

/// <summary>The counters of a migration (component kind <see cref="Kind"/>): what migrations.csv is made of. Times in ps, -1 when not reached.</summary>
public static class MigrationResults
{
    public const string Kind = "migration";
    public const string Index = "index";
    public const string Entity = "entity";
    public const string From = "from_server";
    public const string To = "to_server";
    public const string Phase = "phase";
    public const string RequestedPs = "requested_ps";
    public const string StartPs = "start_ps";
    public const string StopPs = "stop_ps";
    public const string EndPs = "end_ps";
    public const string Rounds = "rounds";
    public const string PreCopyBytes = "precopy_bytes";
    public const string StopAndCopyBytes = "stop_copy_bytes";
    public const string DowntimePs = "downtime_ps";
    public const string Reason = "stop_reason";
    public const string StreamBytesReceived = "stream_bytes_received";
    public const string UnpluggedPackets = "unplugged_packets";
    public const string DroppedAtSource = "dropped_at_source";
    public const string ForwardedFromSource = "forwarded_from_source";
    public const string HandedOver = "handed_over";
    /// <summary>A container's move: 1 restart, 2 criu (<see cref="ContainerMoveMethod"/> + 1); absent (0) for a VM's live migration.</summary>
    public const string Method = "container_method";

    /// <summary>The periods the latency of the traffic around a migration is measured in.</summary>
    public static readonly string[] Periods = ["before", "during", "after"];

    /// <summary>
    /// The histogram family of that latency, keyed by <see cref="TrafficKey"/>: each of a move's two servers (possibly in different
    /// partitions or processes) adds what it saw, and the merged results hold both.
    /// </summary>
    public const string TrafficFamily = "migration-traffic";

    public static int TrafficKey(int migration, int period) => migration * Periods.Length + period;
}
