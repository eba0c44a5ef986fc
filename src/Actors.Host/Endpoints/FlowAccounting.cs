using DcSim.ActorsHost.Shell;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// An endpoint's view of its flows: what it sent, what reached it and how late (a request/response client's completion times are
/// the stack's <see cref="StackExtras.RequestCompletion"/>: few stacks have them).
/// </summary>
/// <remarks>
/// A struct contained by its <see cref="EndpointStack"/> (its field, never copied): a packet reaches its flow without a hop
/// through an object of its own. The flows of the last packet sent and of the last delivered are kept beside the dictionary:
/// a host sends on one flow at a time and hears from a few, so most packets find theirs without the dictionary's object,
/// buckets and entries, three cache lines that are cold on a large fabric (docs/benchmarks.md, "host state locality"). What is sent
/// on the last flow sent is tallied here, in the stack's object, and added to the flow when another flow sends or a reader asks: a
/// packet sent on the flow of the one before reads no line of the flow's (docs/benchmarks.md, issue 14 thirteenth round).
/// </remarks>
internal struct FlowAccounting
{
    // Made by the first packet: an endpoint that never sends or receives holds none.
    private Dictionary<long, FlowStats>? _flows;
    // Entries of _flows, or null. A host that hears from two senders alternates between them: the flow delivered before the last is
    // kept too (with random destinations a quarter of the hosts hear from two or more; the dictionary's look-up is two cold lines).
    private FlowStats? _lastSent, _lastDelivered, _deliveredBefore;
    // _lastSent's id, and what was sent on it since it was last added to it (see the remarks): the packets in the bits from
    // TallyPacketShift up, their bytes below, one long (8 B in every stack, not 16: an idle host stays under 1,000 B).
    private long _lastSentId, _tally;
    private const int TallyPacketShift = 40;
    // Added before the packets' bits reach the sign: 2^22 packets, whose bytes (at most 65,507 each) stay below 2^38.
    private const long TallyAddedAt = 1L << 62;

    /// <summary>The flows this endpoint sent or received, as it saw them (the tally added first).</summary>
    public IEnumerable<FlowStats> Flows
    {
        get
        {
            AddTally();
            return _flows?.Values ?? Enumerable.Empty<FlowStats>();
        }
    }

    /// <summary>Starts fetching the flow delivered before the last one (the last one's the LP fetched one event ahead, as its packet hint).</summary>
    public readonly void PrepareDelivery() => Prefetch.Lines(_deliveredBefore, 1);

    public void Sent(in Packet packet, GeneratorKind kind)
    {
        if (_lastSent is null || _lastSentId != packet.FlowId) SendOn(in packet, kind);
        _tally += (1L << TallyPacketShift) + packet.PayloadBytes;
        if (_tally >= TallyAddedAt) AddTally();
    }

    /// <summary>A packet goes on another flow than the last one sent: the tally goes to the last one, the flow is made if new.</summary>
    private void SendOn(in Packet packet, GeneratorKind kind)
    {
        AddTally();
        var f = _lastSent = Flow(packet.FlowId);
        _lastSentId = packet.FlowId;
        if (f.SentPackets != 0) return;
        f.Source = packet.SourceEndpoint;
        f.Destination = packet.DestinationEndpoint;
        f.Generator = FlowIds.Application(packet.FlowId);
        f.Kind = (AppKind)packet.App.Kind == AppKind.Response ? "response" : KindName(kind);
        f.FirstSentAt = packet.CreatedAt;
    }

    private void AddTally()
    {
        if (_lastSent is not { } f) return;
        f.SentPackets += _tally >>> TallyPacketShift;
        f.SentBytes += _tally & ((1L << TallyPacketShift) - 1);
        _tally = 0;
    }

    /// <summary>Counts a packet delivered; returns its flow if it is not the flow of the packet delivered before it, else null.</summary>
    public FlowStats? Delivered(in Packet packet, long now)
    {
        var f = _lastDelivered;
        var another = f is null || f.FlowId != packet.FlowId;
        if (another) f = DeliveredAnother(packet.FlowId);
        f!.DeliveredPackets++;
        f.DeliveredBytes += packet.PayloadBytes;
        f.LastDeliveredAt = now;
        f.Latency!.Record(now - packet.CreatedAt);
        return another ? f : null;
    }

    private FlowStats DeliveredAnother(long flowId)
    {
        var f = _deliveredBefore;
        if (f is null || f.FlowId != flowId) f = Flow(flowId, delivered: true);
        (_deliveredBefore, _lastDelivered) = (_lastDelivered, f);
        return f;
    }

    public void Report(ResultsBuilder results)
    {
        foreach (var f in Flows) results.Flow(f.FlowId).Add(f); // results are keyed and summed: order does not matter
    }

    /// <param name="delivered">For a packet delivered: the flow has a latency histogram, made right after the flow's counters so that
    /// one fetch from the flow reaches both (the LP's packet hint).</param>
    private FlowStats Flow(long flowId, bool delivered = false)
    {
        _flows ??= [];
        if (!_flows.TryGetValue(flowId, out var f))
        {
            f = new FlowStats(flowId);
            if (delivered) f.LatencyOrCreate();
            _flows[flowId] = f;
        }
        else if (delivered) f.LatencyOrCreate();
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
