using System.Runtime.CompilerServices;
using DcSim.SimCore.Kernel;

namespace DcSim.SimCore.Wire;

/// <summary>
/// The output ports of an LP with many (a fabric switch), numbered from 0, with what every frame touches kept dense as the plain loop
/// keeps it: each port's <see cref="PortState"/> in one array, indexed by port, and the few profiles its ports have in another. A frame
/// that meets an idle port reads and writes only those; the port's own object (<see cref="SwitchPort"/>: queue, marker, capture, trace, drops) is
/// reached only when the frame waits, is judged or captured, and for reports.
/// </summary>
/// <remarks>
/// On the large fabric a port carries a frame about once per host gap (82 µs, ~4,500 events), by which time its own 80-byte object
/// had left L1 and L2: that first read was ~40 % of the switch's time (docs/benchmarks.md, "Issue 14, eighth round"). Here two
/// ports share a line of states, and the state names the port's profile.
/// </remarks>
public sealed class SwitchPorts(LogicalProcess owner)
{
    /// <summary>In <see cref="PortState.Profile"/>: the port's profile is not among <see cref="_kinds"/> (a switch with more distinct ones).</summary>
    private const byte ProfileByPort = byte.MaxValue;

    private PortState[] _states = [];
    private PortProfile[] _profiles = [];
    /// <summary>
    /// The distinct profiles of the switch's ports (a leaf's: its servers' links and its uplinks), which <see cref="PortState.Profile"/>
    /// indexes: a frame reads this short, always-cached array instead of <see cref="_profiles"/>' line of its port, which on a large fabric
    /// had left the cache since the port's last frame (docs/benchmarks.md, "Issue 14, twelfth round").
    /// </summary>
    private PortProfile[] _kinds = [];
    private SwitchPort[] _ports = [];

    /// <summary>The ports, by number.</summary>
    public IReadOnlyList<SwitchPort> All => _ports;

    /// <summary>Adds the next port (numbered the count of ports so far).</summary>
    /// <param name="profile">What the port shares with the other ports of its kind of link (a builder's <see cref="PortProfiles"/>).</param>
    /// <param name="peer">The receiving LP and port; the component and the LP's name are the profile's.</param>
    /// <param name="ecn">ECN marking of the queue; null or <see cref="EcnMarking.Off"/> for tail drop alone.</param>
    /// <param name="seed">The scenario seed, from which a RED queue's random stream is drawn.</param>
    public SwitchPort Add(PortProfile profile, (int Lp, int Port) peer, EcnMarking? ecn = null, ulong seed = 0, long traceIntervalPs = 0)
    {
        var index = _ports.Length;
        Array.Resize(ref _states, index + 1);
        Array.Resize(ref _profiles, index + 1);
        Array.Resize(ref _ports, index + 1);
        _profiles[index] = profile;
        var port = _ports[index] = new SwitchPort(this, owner, profile, index, peer, ecn, seed, traceIntervalPs);
        _states[index].Profile = KindOf(profile);
        return port;
    }

    /// <summary>Where <paramref name="profile"/> is among <see cref="_kinds"/>, added if new; <see cref="ProfileByPort"/> once they are full.</summary>
    private byte KindOf(PortProfile profile)
    {
        var kind = Array.FindIndex(_kinds, k => ReferenceEquals(k, profile));
        if (kind >= 0) return (byte)kind;
        if (_kinds.Length == ProfileByPort) return ProfileByPort;
        _kinds = [.. _kinds, profile];
        return (byte)(_kinds.Length - 1);
    }

    internal LogicalProcess Owner => owner;
    internal ref PortState StateOf(int port) => ref _states[port];
    internal PortProfile ProfileOf(int port) => _profiles[port];

    /// <summary>Queues a packet on port <paramref name="port"/>, or drops it (<see cref="OutputPort.Enqueue"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(int port, in Packet packet)
    {
        ref var s = ref _states[port];
        var profile = s.Profile != ProfileByPort ? _kinds[s.Profile] : _profiles[port];
        if (!LinkPort.TransmitIfIdle(ref s, owner, profile, port, in packet)) _ports[port].Enqueue(ref s, in packet);
    }

    /// <summary>Port <paramref name="port"/>'s frame in service has left: start the next one, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnTransmitDone(int port)
    {
        ref var s = ref _states[port];
        if (LinkPort.TransmitDone(ref s)) _ports[port].StartNext(ref s);
    }
}
