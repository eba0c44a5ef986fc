using DcSim.ActorsHost.Shell;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// The state of an endpoint stack that few endpoints ever have: the server side of request/response, TCP servers, drops, the
/// shell's pings and callbacks, a migration's hooks, udp-rr clients and request completion times. Made by the first of them, so
/// that an idle host's stack holds one null instead of a dozen.
/// </summary>
internal sealed class StackExtras
{
    public ResponseServer? Server;
    public TcpServerApplications? TcpServers;
    public DropLedger? Down, Backlog, NotForMe;
    public Dictionary<int, Action>? Callbacks;
    public int NextCallback;
    /// <summary>The shell's pings from here, by source port: their echoes end their requests.</summary>
    public Dictionary<ushort, ShellPing>? Pings;
    public DeliveryObserver? DeliveryObserver;
    public ITcpApplication? MigrationReceiver;
    /// <summary>The udp-rr clients here, by generator index: the responses they wait for end their transactions.</summary>
    public Dictionary<int, UdpRrGenerator>? ClosedLoops;
    /// <summary>A request/response client's completion times (request sent to last response byte back), by generator.</summary>
    public SortedDictionary<int, LatencyHistogram>? RequestCompletion;
}
