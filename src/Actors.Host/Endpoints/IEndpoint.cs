using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// What an application (a traffic generator) needs from the endpoint it runs on — a bare-metal host's
/// stack today, a VM's or a container's tomorrow: its address, the clock, a way to send, and its timers.
/// </summary>
internal interface IEndpoint
{
    EndpointAddress Address { get; }
    long Now { get; }

    /// <summary>The address of another endpoint (the converged result of ARP / neighbour discovery).</summary>
    EndpointAddress Resolve(int endpoint);

    /// <summary>
    /// Where to address a packet for <paramref name="endpoint"/>'s service on UDP <paramref name="port"/>: its own address, or for a
    /// container behind NAT its kernel's address and the host port published for it.
    /// </summary>
    (EndpointAddress Address, ushort Port) Reach(int endpoint, ushort port);

    /// <summary>Whether the endpoint runs (booted, started, not stopped): applications send only then.</summary>
    bool IsRunning { get; }

    /// <summary>When the endpoint stops (long.MaxValue: never).</summary>
    long StopsAt { get; }

    void Send(in Packet packet, GeneratorKind kind);

    /// <summary>This endpoint's TCP (made on first use).</summary>
    TcpLayer Tcp { get; }

    TcpContext TcpContext { get; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="time"/> (an application's one-off work, such as a response after its service time).</summary>
    void At(long time, Action action);

    /// <summary>Sets application <paramref name="app"/>'s timer; <paramref name="epoch"/> comes back when it fires.</summary>
    void SetAppTimer(long time, int app, AppTimer timer, int epoch);
}

/// <summary>The two timers an application has: its arrival process fired, or its on/off period ended.</summary>
internal enum AppTimer { Fire = 0, Toggle = 1 }
