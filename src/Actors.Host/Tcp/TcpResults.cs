using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// The names under which TCP connections are reported: one counter set per connection (kind "tcp-flow", keyed by the flow id of the direction
/// its opener sends, so that both ends add to one row), what the client wrote and when, what the server received and when, and each end's
/// connection counters summed over both ends. The result files turn them into tcp-flows.csv and the FCT summary.
/// </summary>
public static class TcpResults
{
    public const string Kind = "tcp-flow";
    public const string Generator = "generator";
    public const string Source = "source";
    public const string Destination = "destination";
    /// <summary>Bytes the client meant to send (0: unlimited).</summary>
    public const string Size = "size";
    public const string StartPs = "start_ps";
    /// <summary>Bytes acknowledged to their senders, both directions together.</summary>
    public const string BytesAcked = "bytes_acked";
    public const string IdealFctPs = "ideal_fct_ps";
    /// <summary>Bytes the server read, and the time its application had every byte of a sized transfer.</summary>
    public const string BytesReceived = "bytes_received";
    public const string CompletedPs = "completed_ps";
    public const string SegmentsSent = "segments_sent";
    public const string Retransmissions = "retransmissions";
    public const string Timeouts = "timeouts";
    public const string FastRecoveries = "fast_recoveries";
    public const string CeMarks = "ecn_marks";
    public const string EcnEchoes = "ecn_echoes";
    public const string EcnReductions = "ecn_reductions";
    public const string WindowProbes = "window_probes";
    /// <summary>The largest congestion window of the opener's end and of the accepting end (each written by one end only, so that merged sums stay exact).</summary>
    public const string MaxCwnd = "max_cwnd";
    public const string PeerMaxCwnd = "peer_max_cwnd";

    public static string PathOf(long flowId) => $"tcp/{FlowIds.Forward(flowId):x16}";

    public static string CwndSeries(long flowId) => $"cwnd/{flowId:x16}";

    public static ComponentCounters Flow(ResultsBuilder results, long flowId) => results.Counters(PathOf(flowId), Kind);

    internal static void ReportConnections(ResultsBuilder results, TcpLayer tcp)
    {
        foreach (var (flowId, s) in tcp.Connections)
        {
            var c = Flow(results, flowId);
            c[SegmentsSent] += s.SegmentsSent;
            c[BytesAcked] += s.BytesAcked;
            c[Retransmissions] += s.RetransmittedSegments;
            c[Timeouts] += s.Timeouts;
            c[FastRecoveries] += s.FastRecoveries;
            c[CeMarks] += s.CeMarkedReceived;
            c[EcnEchoes] += s.EcnEchoesReceived;
            c[EcnReductions] += s.EcnWindowReductions;
            c[WindowProbes] += s.WindowProbes;
            c[FlowIds.Forward(flowId) == flowId ? MaxCwnd : PeerMaxCwnd] = s.MaxCwnd;
        }
    }
}
