namespace DcSim.ActorsHost.Traffic;

/// <summary>Names of the histogram families the traffic endpoints report (<see cref="SimCore.Metrics.ResultsBuilder.Histograms"/>).</summary>
public static class TrafficHistograms
{
    /// <summary>Request completion times (request sent to last response byte back), keyed by generator.</summary>
    public const string RequestCompletion = "request-completion";

    /// <summary>Round-trip times of generator <paramref name="generator"/>'s udp-rr transactions (request sent to response back), keyed by client endpoint.</summary>
    public static string RoundTrip(int generator) => $"rr-latency/{generator}";

    /// <summary>Query completion times of generator <paramref name="generator"/>'s incast rounds (requests out to the last answer's last byte in), keyed by its target.</summary>
    public static string IncastCompletion(int generator) => $"incast-qct/{generator}";

    /// <summary>Each incast round of generator <paramref name="generator"/>: (round start, completion time in ps), as a series.</summary>
    public static string IncastRounds(int generator) => $"incast/{generator}";
}
