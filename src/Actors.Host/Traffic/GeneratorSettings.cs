using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Traffic;

/// <summary>What kind of application a flow belongs to; <see cref="Migration"/> is no generator: a live migration's memory stream.</summary>
public enum GeneratorKind { Cbr, Poisson, OnOff, RequestResponse, UdpRr, TcpBulk, TcpRr, TcpFlows, Incast, Migration, ShellPing, ShellIperf }

public enum DestinationPattern { Random, Permutation, Incast, Fixed }

public enum SizeDistribution { Fixed, Exponential }

public enum PeriodDistribution { Fixed, Exponential }

/// <summary>
/// One traffic generator, instantiated on every host in <see cref="Hosts"/>. Rates count UDP payload
/// bits (as ns-3's OnOffApplication does). When <see cref="FlowSizes"/> is set, the packet stream is cut
/// into flows whose sizes are drawn from that CDF, each flow to a newly chosen destination.
/// </summary>
public sealed record GeneratorSettings(
    int Index,
    GeneratorKind Kind,
    IReadOnlyList<int> Hosts,
    DataRate Rate,
    int PacketBytes,
    SizeDistribution SizeDistribution,
    DestinationPattern Destination,
    int TargetHost,
    FlowSizeCdf? FlowSizes,
    long StartPs,
    long StopPs,
    OnOffSettings OnOff,
    RequestResponseSettings RequestResponse,
    UdpRrSettings UdpRr,
    TcpBulkSettings? TcpBulkOrNull = null,
    TcpRrSettings? TcpRrOrNull = null,
    IncastSettings? IncastOrNull = null,
    StreamSettings? StreamOrNull = null)
{
    public StreamSettings Stream => StreamOrNull ?? StreamSettings.Default;
    public TcpBulkSettings TcpBulk => TcpBulkOrNull ?? TcpBulkSettings.Default;
    public TcpRrSettings TcpRr => TcpRrOrNull ?? TcpRrSettings.Default;
    public IncastSettings Incast => IncastOrNull ?? IncastSettings.Default;

    /// <summary>A TCP request/response generator's request and response sizes and service time (tcp-rr's, or incast's with no service time).</summary>
    public (int Request, long Response, long ServicePs) TcpExchange => Kind == GeneratorKind.Incast
        ? (Incast.RequestBytes, Incast.ResponseBytes, 0)
        : (TcpRr.RequestBytes, TcpRr.ResponseBytes, TcpRr.ServiceTimePs);
}

/// <summary>
/// iperf over TCP (kind tcp-bulk): <see cref="FlowBytes"/> per connection (0: until the generator stops) on <see cref="Connections"/> parallel
/// connections, as iperf -P; <see cref="CwndTracePs"/> &gt; 0 samples each connection's congestion window that often (cwnd.csv).
/// </summary>
public sealed record TcpBulkSettings(long FlowBytes, int Connections, long CwndTracePs)
{
    public static readonly TcpBulkSettings Default = new(0, 1, 0);
}

/// <summary>netperf TCP_RR (kind tcp-rr): requests of <see cref="RequestBytes"/> answered with <see cref="ResponseBytes"/> after <see cref="ServiceTimePs"/>, one at a time over one connection.</summary>
public sealed record TcpRrSettings(int RequestBytes, long ResponseBytes, long ServiceTimePs, string Label = "", long PublishedRttPs = 0)
{
    public static readonly TcpRrSettings Default = new(100, 200, 0);
}

/// <summary>
/// Incast rounds (kind incast): the target asks every host at once, each request of <see cref="RequestBytes"/> delayed by a uniform draw in
/// [0, <see cref="JitterPs"/>]; a round ends when all <see cref="ResponseBytes"/>-byte answers are in; <see cref="Rounds"/> rounds (0: until stop).
/// </summary>
public sealed record IncastSettings(int RequestBytes, long ResponseBytes, int Rounds, long JitterPs)
{
    public static readonly IncastSettings Default = new(64, 64 * 1024, 0, 0);
}

/// <summary>Whether a generator's rate is each source's, or shared by its sources on one server.</summary>
public enum RatePer { Source, Server }

/// <summary>
/// How a generator's packet stream is shaped for a packet-rate experiment (pktgen, MoonGen): the endpoints random and
/// permutation destinations come from (<see cref="Destinations"/>, sorted; null: every endpoint), how many 5-tuples one
/// stream spreads over (<see cref="ConcurrentFlows"/>: what a flow cache sees), the rate as a share of the source
/// server's line rate counted on the wire (<see cref="LineRateShare"/> of <see cref="LineRate"/>; 0: the generator's
/// payload rate), and whether that rate is each source's or split among the generator's sources on one server
/// (<see cref="SourcesOnServer"/>: endpoint → how many of the generator's sources share its server).
/// </summary>
public sealed record StreamSettings(
    IReadOnlyList<int>? Destinations,
    int ConcurrentFlows,
    double LineRateShare,
    DataRate LineRate,
    RatePer RatePer,
    bool SizeIsFrame,
    IReadOnlyDictionary<int, int>? SourcesOnServer)
{
    public static readonly StreamSettings Default = new(null, 1, 0, default, RatePer.Source, false, null);

    /// <summary>By value, lists and maps included: a scenario read twice gives equal settings.</summary>
    public bool Equals(StreamSettings? other) =>
        other is not null && ConcurrentFlows == other.ConcurrentFlows && LineRateShare.Equals(other.LineRateShare) && LineRate == other.LineRate
        && RatePer == other.RatePer && SizeIsFrame == other.SizeIsFrame
        && (Destinations ?? []).SequenceEqual(other.Destinations ?? [])
        && (SourcesOnServer ?? new Dictionary<int, int>()).OrderBy(p => p.Key).SequenceEqual((other.SourcesOnServer ?? new Dictionary<int, int>()).OrderBy(p => p.Key));

    public override int GetHashCode() => HashCode.Combine(ConcurrentFlows, LineRateShare, LineRate, RatePer, SizeIsFrame, Destinations?.Count ?? 0);

    /// <summary>How many sources share <paramref name="endpoint"/>'s rate: 1 unless the rate is per server.</summary>
    public int Sharers(int endpoint) => RatePer == RatePer.Server && SourcesOnServer is not null && SourcesOnServer.TryGetValue(endpoint, out var n) ? n : 1;
}

/// <summary>On and off period lengths of an on/off source; during "on" it sends at the generator rate.</summary>
public sealed record OnOffSettings(long OnPs, long OffPs, PeriodDistribution Periods);

/// <summary>
/// Requests leave the client as a Poisson process at the generator rate (request bits per second);
/// the server answers each after a service time with a response of <see cref="ResponseBytes"/>
/// (or a size drawn from <see cref="ResponseSizes"/>), cut into packets of the generator's packet size.
/// </summary>
public sealed record RequestResponseSettings(
    int RequestBytes,
    long ResponseBytes,
    FlowSizeCdf? ResponseSizes,
    long ServiceTimePs,
    PeriodDistribution ServiceDistribution);

/// <summary>
/// netperf UDP_RR: a closed loop of transactions, each a request datagram of <see cref="RequestBytes"/> answered
/// after <see cref="ServiceTimePs"/> by a response datagram of <see cref="ResponseBytes"/>; the client keeps
/// <see cref="TransactionsInFlight"/> outstanding and starts the next as soon as one ends. A transaction without
/// its response <see cref="TimeoutPs"/> after its request is lost (0: never, and its slot stalls as netperf's does).
/// </summary>
/// <remarks><see cref="Label"/> and <see cref="PublishedRttPs"/> (0: none) name the loop and a published round trip the run's summary compares it with.</remarks>
public sealed record UdpRrSettings(int RequestBytes, int ResponseBytes, long ServiceTimePs, int TransactionsInFlight, long TimeoutPs, string Label = "", long PublishedRttPs = 0);

/// <summary>The words scenario files use for the generators' enumerations, shared by reading and by writing the resolved scenario.</summary>
public static class GeneratorWords
{
    public static readonly ScenarioWordList Kinds =
        new(("cbr", (int)GeneratorKind.Cbr), ("poisson", (int)GeneratorKind.Poisson), ("on-off", (int)GeneratorKind.OnOff),
            ("request-response", (int)GeneratorKind.RequestResponse), ("udp-rr", (int)GeneratorKind.UdpRr), ("tcp-bulk", (int)GeneratorKind.TcpBulk),
            ("tcp-rr", (int)GeneratorKind.TcpRr), ("tcp-flows", (int)GeneratorKind.TcpFlows), ("incast", (int)GeneratorKind.Incast));

    public static readonly ScenarioWordList Destinations =
        new(("random", (int)DestinationPattern.Random), ("permutation", (int)DestinationPattern.Permutation), ("incast", (int)DestinationPattern.Incast),
            ("fixed", (int)DestinationPattern.Fixed));

    public static readonly ScenarioWordList SizeDistributions = new(("fixed", (int)SizeDistribution.Fixed), ("exponential", (int)SizeDistribution.Exponential));

    public static readonly ScenarioWordList RatePers = new(("source", (int)RatePer.Source), ("server", (int)RatePer.Server));

    /// <summary>packet-size-of: 1 when the size is the frame's, 0 the payload's.</summary>
    public static readonly ScenarioWordList SizeMeasures = new(("payload", 0), ("frame", 1));

    public static readonly ScenarioWordList PeriodDistributions = new(("fixed", (int)PeriodDistribution.Fixed), ("exponential", (int)PeriodDistribution.Exponential));

    public const string AllHosts = "all";
}
