using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Randomness;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// One generator instance on one endpoint. It creates packets at virtual times of its arrival process
/// and hands them to the endpoint; all its randomness comes from its own stream (seed, endpoint, "gen-N").
/// </summary>
internal abstract class TrafficGenerator
{
    protected TrafficGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    {
        Host = host;
        LocalIndex = localIndex;
        Settings = settings;
        Rng = RandomStreams.Create(seed, host.Address.Id, $"gen-{settings.Index}");
        Destinations = destinations;
        _flows = new FlowCursor(host, settings, destinations, Rng);
        _pacing = new StreamPacing(settings, host.Address.Id);
    }

    private readonly StreamPacing _pacing;
    // Not readonly: a struct changed in place.
    private FlowCursor _flows;

    protected EndpointStack Host { get; }
    protected int LocalIndex { get; }
    public GeneratorSettings Settings { get; }
    protected Rng Rng { get; }
    protected ref FlowCursor Flows => ref _flows;
    protected DestinationChooser Destinations { get; }

    public static TrafficGenerator Create(EndpointStack host, int localIndex, GeneratorSettings settings, int endpointCount, ulong seed)
    {
        var destinations = new DestinationChooser(settings, endpointCount, seed);
        return settings.Kind switch
        {
            GeneratorKind.Cbr => new CbrGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.Poisson => new PoissonGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.OnOff => new OnOffGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.RequestResponse => new RequestGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.UdpRr => new UdpRrGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.TcpBulk => new TcpBulkGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.TcpFlows => new TcpFlowsGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.TcpRr => new TcpRrGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.Incast => new IncastGenerator(host, localIndex, settings, destinations, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "unknown generator kind"),
        };
    }

    /// <summary>Schedules the first packet (or period) if this endpoint sends at all.</summary>
    public void Start()
    {
        if (HasWork && StartTime < StopTime) OnStart();
    }

    /// <summary>Whether this instance has anyone to send to (an incast target does not send to itself).</summary>
    protected virtual bool HasWork => Flows.HasDestination;

    protected abstract void OnStart();

    /// <summary>The arrival process fired; <paramref name="epoch"/> tells stale timers apart.</summary>
    public abstract void OnFire(int epoch);

    public virtual void OnToggle(int epoch) { }

    /// <summary>When the generator begins: its start time, or later if its endpoint started running later (a VM's boot).</summary>
    protected long StartTime => Math.Max(Settings.StartPs, Host.Now);

    /// <summary>When the generator ends: its stop time, or earlier if its endpoint stops before.</summary>
    protected long StopTime => Math.Min(Settings.StopPs, Host.StopsAt);

    /// <summary>Adds what the generator itself measured (open-loop generators measure nothing: the endpoint's flows say it all).</summary>
    public virtual void Report(ResultsBuilder results, string endpointPath) { }

    /// <summary>Adds the series the generator has sampled so far, as copies (see <see cref="SimCore.Components.Component.SnapshotSeries"/>).</summary>
    public virtual void SnapshotSeries(ResultsBuilder results) { }

    /// <summary>Time to send <paramref name="payloadBytes"/> at the generator's rate (<see cref="StreamPacing"/>), in ps.</summary>
    protected long PayloadTime(int payloadBytes) => _pacing.Time(payloadBytes);

    protected int DrawPayload() => Settings.SizeDistribution switch
    {
        SizeDistribution.Exponential => (int)Math.Clamp(Math.Round(Rng.NextExponential(Settings.PacketBytes)), 1, 65_507),
        _ => Settings.PacketBytes,
    };

    protected void Emit(int payloadBytes, AppKind kind = AppKind.Data)
    {
        if (!Host.IsRunning) return;
        var packet = Flows.Next(payloadBytes, Host.Now, kind);
        Host.Send(in packet, Settings.Kind);
    }

    protected void FireAt(long time, int epoch = 0) => Host.SetAppTimer(time, LocalIndex, AppTimer.Fire, epoch);

    protected void ToggleAt(long time, int epoch) => Host.SetAppTimer(time, LocalIndex, AppTimer.Toggle, epoch);
}
