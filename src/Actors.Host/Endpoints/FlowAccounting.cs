using DcSim.ActorsHost.Shell;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// An endpoint's view of its flows: what it sent, what reached it and how late, and for request/response
/// clients the completion time of each request (request sent to last response byte back).
/// </summary>
/// <remarks>
/// A struct contained by its <see cref="EndpointStack"/> (its field, never copied): a packet reaches its flow without a hop
/// through an object of its own. The flows of the last packet sent and of the last delivered are kept beside the dictionary:
/// a host sends on one flow at a time and hears from a few, so most packets find theirs without the dictionary's object,
/// buckets and entries, three cache lines that are cold on a large fabric (docs/benchmarks.md, "host state locality").
/// </remarks>
internal struct FlowAccounting
{
    // Made by the first packet and the first completed request: an endpoint that never sends or receives holds neither.
    private Dictionary<long, FlowStats>? _flows;
    private SortedDictionary<int, LatencyHistogram>? _requestCompletion;
    // Entries of _flows, or null.
    private FlowStats? _lastSent, _lastDelivered;

    /// <summary>The flows this endpoint sent or received, as it saw them.</summary>
    public readonly IEnumerable<FlowStats> Flows => _flows?.Values ?? Enumerable.Empty<FlowStats>();

    public void Sent(in Packet packet, GeneratorKind kind)
    {
        var f = _lastSent;
        if (f is null || f.FlowId != packet.FlowId) _lastSent = f = Flow(packet.FlowId);
        if (f.SentPackets == 0)
        {
            f.Source = packet.SourceEndpoint;
            f.Destination = packet.DestinationEndpoint;
            f.Generator = FlowIds.Application(packet.FlowId);
            f.Kind = (AppKind)packet.App.Kind == AppKind.Response ? "response" : KindName(kind);
            f.FirstSentAt = packet.CreatedAt;
        }
        f.SentPackets++;
        f.SentBytes += packet.PayloadBytes;
    }

    public void Delivered(in Packet packet, long now)
    {
        var f = _lastDelivered;
        if (f is null || f.FlowId != packet.FlowId) _lastDelivered = f = Flow(packet.FlowId);
        f.DeliveredPackets++;
        f.DeliveredBytes += packet.PayloadBytes;
        f.LastDeliveredAt = now;
        f.LatencyOrCreate().Record(now - packet.CreatedAt);
    }

    /// <summary>The last packet of a response to generator <paramref name="generator"/>'s request arrived.</summary>
    public void RequestCompleted(int generator, long latencyPs)
    {
        _requestCompletion ??= [];
        if (!_requestCompletion.TryGetValue(generator, out var h)) _requestCompletion[generator] = h = new LatencyHistogram(3);
        h.Record(latencyPs);
    }

    public readonly void Report(ResultsBuilder results)
    {
        if (_flows is not null)
            foreach (var f in _flows.Values) results.Flow(f.FlowId).Add(f); // results are keyed and summed: order does not matter
        if (_requestCompletion is not null)
            foreach (var (g, h) in _requestCompletion) results.Histogram(TrafficHistograms.RequestCompletion, g).Add(h);
    }

    private FlowStats Flow(long flowId)
    {
        _flows ??= [];
        if (!_flows.TryGetValue(flowId, out var f)) _flows[flowId] = f = new FlowStats(flowId);
        return f;
    }

    private static string KindName(GeneratorKind kind) => kind switch
    {
        GeneratorKind.Cbr => "cbr",
        GeneratorKind.Poisson => "poisson",
        GeneratorKind.OnOff => "on-off",
        GeneratorKind.UdpRr => "udp-rr",
        GeneratorKind.TcpBulk => "tcp-bulk",
        GeneratorKind.TcpRr => "tcp-rr",
        GeneratorKind.TcpFlows => "tcp-flows",
        GeneratorKind.Incast => "incast",
        GeneratorKind.Migration => "migration",
        GeneratorKind.ShellPing => ShellApplications.PingKind,
        GeneratorKind.ShellIperf => ShellApplications.IperfKind,
        _ => "request",
    };
}
