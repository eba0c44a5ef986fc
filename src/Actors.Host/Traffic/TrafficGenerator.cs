using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// One generator instance on one host. It creates packets at virtual times of its arrival process
/// and hands them to the host; all its randomness comes from its own stream (seed, host, "gen-N").
/// </summary>
internal abstract class TrafficGenerator
{
    protected TrafficGenerator(IGeneratorHost host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    {
        Host = host;
        LocalIndex = localIndex;
        Settings = settings;
        Rng = RandomStreams.Create(seed, host.HostIndex, $"gen-{settings.Index}");
        Flows = new FlowCursor(host.HostIndex, settings, destinations, Rng);
    }

    protected IGeneratorHost Host { get; }
    protected int LocalIndex { get; }
    public GeneratorSettings Settings { get; }
    protected Rng Rng { get; }
    protected FlowCursor Flows { get; }

    public static TrafficGenerator Create(IGeneratorHost host, int localIndex, GeneratorSettings settings, int hostCount, ulong seed)
    {
        var destinations = new DestinationChooser(settings, hostCount, seed);
        return settings.Kind switch
        {
            GeneratorKind.Cbr => new CbrGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.Poisson => new PoissonGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.OnOff => new OnOffGenerator(host, localIndex, settings, destinations, seed),
            GeneratorKind.RequestResponse => new RequestGenerator(host, localIndex, settings, destinations, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "unknown generator kind"),
        };
    }

    /// <summary>Schedules the first packet (or period) if this host sends at all.</summary>
    public void Start()
    {
        if (Flows.HasDestination && Settings.StartPs < Settings.StopPs) OnStart();
    }

    protected abstract void OnStart();

    /// <summary>The arrival process fired; <paramref name="epoch"/> tells stale timers apart.</summary>
    public abstract void OnFire(int epoch);

    public virtual void OnToggle(int epoch) { }

    /// <summary>Time to send <paramref name="payloadBytes"/> at the generator's payload rate, in ps.</summary>
    protected long PayloadTime(int payloadBytes) => Settings.Rate.TransmitTime(payloadBytes);

    protected int DrawPayload() => Settings.SizeDistribution switch
    {
        SizeDistribution.Exponential => (int)Math.Clamp(Math.Round(Rng.NextExponential(Settings.PacketBytes)), 1, 65_507),
        _ => Settings.PacketBytes,
    };

    protected void Emit(int payloadBytes, PacketType type = PacketType.Data)
    {
        var packet = Flows.Next(payloadBytes, Host.Now, type);
        Host.SendPacket(in packet, Settings.Kind);
    }

    protected void FireAt(long time, int epoch = 0) => Host.ScheduleGenerator(time, LocalIndex, epoch);
}

/// <summary>What a generator needs from its host LP.</summary>
internal interface IGeneratorHost
{
    int HostIndex { get; }
    long Now { get; }
    void SendPacket(in Packet packet, GeneratorKind kind);
    void ScheduleGenerator(long time, int localIndex, int epoch);
    void ScheduleToggle(long time, int localIndex, int epoch);
}
