namespace DcSim.ActorsHost.Traffic;

/// <summary>Names of the histogram families the traffic endpoints report (<see cref="SimCore.Metrics.ResultsBuilder.Histograms"/>).</summary>
public static class TrafficHistograms
{
    /// <summary>Request completion times (request sent to last response byte back), keyed by generator.</summary>
    public const string RequestCompletion = "request-completion";

    /// <summary>Round-trip times of generator <paramref name="generator"/>'s udp-rr transactions (request sent to response back), keyed by client endpoint.</summary>
    public static string RoundTrip(int generator) => $"rr-latency/{generator}";
}
