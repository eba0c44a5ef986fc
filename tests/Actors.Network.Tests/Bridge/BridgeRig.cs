using DcSim.ActorsNetwork.Bridges;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Tests.Bridges;

/// <summary>A station on one bridge port: sends its frames at their times, records what reaches it, and reports both per flow.</summary>
internal sealed class Station(string path) : Component(path)
{
    public override string Kind => "station";

    private readonly List<(long At, Packet Frame)> _schedule = [];
    private readonly List<Packet> _sent = [];

    public List<(long Time, Packet Frame)> Received { get; } = [];

    public void SendAt(long at, Packet frame) => _schedule.Add((at, frame));

    public override void Start()
    {
        for (var i = 0; i < _schedule.Count; i++) SetTimer(_schedule[i].At, 0, i);
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        _sent.Add(_schedule[token].Frame);
        Emit(0, _schedule[token].Frame);
    }

    public override void Receive(int port, in Packet packet) => Received.Add((Now, packet));

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var p in _sent) results.Flow(p.FlowId).SentPackets++;
        foreach (var (_, p) in Received) results.Flow(p.FlowId).DeliveredPackets++;
    }
}

/// <summary>One server LP: a bridge whose port i is wired to station i, on a CPU of the given cores and clock.</summary>
internal sealed class BridgeRig
{
    public const string DropLocation = "host3:br0";
    public const long ClockHz = 2_000_000_000;  // 500 ps per cycle
    /// <summary>1000 cycles per frame + 0.5 per frame byte: a 100 B payload (146 B frame) costs 1073 cycles = 536.5 ns at 2 GHz.</summary>
    public static readonly StepCost Cost = new(1000, 0.5);

    private readonly Partition _partition = new(0, 1, [0]);

    public BridgeRig(int ports = 4, BridgeSettings? settings = null, int cores = 1, CpuCategory category = CpuCategory.HostKernel)
    {
        Cpu = new ServerCpu(cores, ClockHz);
        var lp = new ComponentLp(0, "host3");
        Bridge = lp.Add(new LinuxBridge("host3/br0", DropLocation, ports, settings ?? BridgeSettings.Linux, new HostCores(Cpu), category, Cost));
        Stations = new Station[ports];
        for (var i = 0; i < ports; i++)
        {
            Stations[i] = lp.Add(new Station($"host3/station{i}"));
            lp.Connect(Stations[i], 0, Bridge, i);
        }
        _partition.Add(lp);
    }

    public ServerCpu Cpu { get; }
    public LinuxBridge Bridge { get; }
    public Station[] Stations { get; }

    public ComponentCounters Counters => _partition.SnapshotCounters().Components["host3/br0"];

    public void Start() => _partition.Start();

    public void RunUntil(long end) => _partition.RunUntil(end);

    /// <summary>Starts, runs to <paramref name="end"/> and takes the end-of-run census.</summary>
    public ResultsBuilder Run(long end)
    {
        Start();
        RunUntil(end);
        return _partition.Report(end);
    }

    /// <summary>The locally administered unicast MAC 02:00:00:00:00:nn of station n.</summary>
    public static ulong Mac(int n) => 0x0200_0000_0000UL | (uint)n;

    public static Packet Frame(long flow, ulong sourceMac, ulong destinationMac, int payloadBytes = 100) => new()
    {
        FlowId = flow, PayloadBytes = payloadBytes, FlowHash = (uint)flow,
        Headers = new PacketHeaders { SourceMac = sourceMac, DestinationMac = destinationMac, Protocol = PacketHeaders.Udp },
    };

    /// <summary>Flow ids of the frames station <paramref name="n"/> received, in order.</summary>
    public long[] FlowsAt(int n) => Stations[n].Received.Select(r => r.Frame.FlowId).ToArray();
}
