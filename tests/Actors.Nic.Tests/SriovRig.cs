using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic.Tests;

/// <summary>
/// A server (LP 0) holding one SR-IOV NIC with an end on its PF port and on each VF port, and the leaf (LP 1) at the
/// far end of a 10 Gb/s, 1 us link: both can send frames at set times and record what reaches them.
/// </summary>
internal sealed class SriovRig
{
    public const long Us = SimTime.Microsecond;
    public const long Ns = SimTime.Nanosecond;
    public const ulong PfMac = 0x02_00_00_00_00_F0UL;
    public static ulong VfMac(int vf) => 0x02_00_00_00_00_00UL + (ulong)vf + 1;

    private readonly Partition _partition = new(0, 1, [0, 0]);
    private bool _started;

    public SriovRig(SriovNicModel model, IReadOnlyList<VfSettings> vfs, bool pfPromiscuous = false)
    {
        var server = new ComponentLp(0, "host1");
        Nic = server.Add(new SriovNic("host1/nic0", model, new PfSettings(PfMac, pfPromiscuous, InterruptCoalescing.PerFrame), vfs));
        Pf = server.Add(new End("host1/pf"));
        server.Connect(Pf, 0, Nic, SriovNic.PfPort);
        for (var i = 0; i < vfs.Count; i++)
        {
            var vf = server.Add(new End($"host1/vm{i}/eth0"));
            server.Connect(vf, 0, Nic, SriovNic.VfPort(i));
            Vfs.Add(vf);
        }
        Leaf = new LeafEnd(Nic.Index, model.LineRate);
        Nic.ConnectWire(new OutputPort(server, Nic.Index, SriovNic.TransmitDoneTimer, 0, "leaf", (1, 0, 0),
            model.LineRate, Us, new QueueLimit(QueueLimitUnit.Packets, 1_000_000)));
        _partition.Add(server);
        _partition.Add(Leaf);
    }

    public SriovNic Nic { get; }
    public End Pf { get; }
    public List<End> Vfs { get; } = [];
    public LeafEnd Leaf { get; }

    public ResultsBuilder Run(long until)
    {
        Advance(until);
        return _partition.Report(until);
    }

    /// <summary>Runs up to <paramref name="until"/>, so that a test can act on the NIC (a VF's hot-plug) before running on.</summary>
    public void Advance(long until)
    {
        if (!_started) _partition.Start();
        _started = true;
        _partition.RunUntil(until);
    }

    /// <summary>A UDP frame of <paramref name="payload"/> bytes between two MACs, optionally tagged.</summary>
    public static Packet Frame(long flow, ulong from, ulong to, int payload = 1000, ushort vlan = 0, int sequence = 0)
    {
        return new Packet
        {
            FlowId = flow, PayloadBytes = payload, Sequence = sequence, FlowHash = (uint)flow,
            Headers = new PacketHeaders { SourceMac = from, DestinationMac = to, Protocol = PacketHeaders.Udp, Vlan = vlan },
        };
    }

    /// <summary>A function's driver side: sends its frames at their times through port 0, records what reaches it.</summary>
    internal sealed class End(string path) : Component(path)
    {
        public override string Kind => "end";

        private readonly List<(long At, Packet Packet)> _schedule = [];
        public List<(long Time, Packet Packet)> Received { get; } = [];
        public void SendAt(long at, Packet packet) => _schedule.Add((at, packet));
        public override void Start()
        {
            for (var i = 0; i < _schedule.Count; i++) SetTimer(_schedule[i].At, 0, i);
        }
        public override void OnTimer(int timer, int token, in Packet carried) => Emit(0, _schedule[token].Packet);
        public override void Receive(int port, in Packet packet) => Received.Add((Now, packet));
    }

    /// <summary>The leaf: queues its frames on its own 1 us link into the NIC's wire port at their times, records the NIC's.</summary>
    internal sealed class LeafEnd : LogicalProcess
    {
        private const ushort Send = 1;
        private readonly List<(long At, Packet Packet)> _schedule = [];
        private readonly OutputPort _port;

        public LeafEnd(ushort nic, DataRate rate) : base(1, "leaf") =>
            _port = new OutputPort(this, 0, 0, 0, "host1", (0, nic, SriovNic.WirePort), rate, Us, new QueueLimit(QueueLimitUnit.Packets, 1_000_000));

        public List<(long Time, Packet Packet)> Arrivals { get; } = [];
        public void SendAt(long at, Packet packet) => _schedule.Add((at, packet));

        public override void Start()
        {
            for (var i = 0; i < _schedule.Count; i++) ScheduleTimer(_schedule[i].At, 0, Send, i);
        }

        public override void Handle(ref SimEvent e)
        {
            if (e.Kind == EventKind.Packet) Arrivals.Add((e.Time, e.Packet));
            else if (e.Port == Send) _port.Enqueue(_schedule[e.Token].Packet);
            else _port.OnTransmitDone();
        }

        public override void Report(ResultsBuilder results, long endTime) => _port.Report(results, endTime);
    }
}
