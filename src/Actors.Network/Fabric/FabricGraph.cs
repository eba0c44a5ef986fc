using System.Runtime.CompilerServices;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>An output port of a switch: the LP it leads to and that LP's port for it, the link, and the port's queue.</summary>
public readonly record struct FabricPort(int PeerLp, int PeerPort, LinkSettings Link, QueueSettings Queue);

/// <summary>
/// Any fabric as a graph of LPs: servers 0..ServerCount-1 (LP id = server index, named host{i}), then the switches
/// (LP id ServerCount + switch index). Every server has one link, to one switch; a switch's output ports are numbered in
/// the order its links were added, and the switch at the far end of a link numbers it in the order of its own links.
/// The shapes (<see cref="FabricShapes"/>) add switches and links in an order that fixes every port number, so a
/// leaf-spine fabric keeps the numbering it always had (<see cref="FabricLayout"/>).
/// </summary>
public sealed class FabricGraph
{
    private static readonly ConditionalWeakTable<TopologySettings, FabricGraph> Built = new();

    private readonly List<string> _switchNames = [];
    private readonly List<FabricPortList> _ports = [];
    private readonly int[] _switchOfServer;
    private readonly int[] _portOfServer;
    private readonly LinkSettings[] _serverLink;
    private readonly QueueSettings _switchQueue;
    private readonly Lazy<FabricRoutes> _routes;

    public FabricGraph(int servers, QueueSettings switchQueue)
    {
        ServerCount = servers;
        _switchQueue = switchQueue;
        _switchOfServer = new int[servers];
        for (var server = 0; server < servers; server++) _switchOfServer[server] = -1;
        _portOfServer = new int[servers];
        _serverLink = new LinkSettings[servers];
        _routes = new Lazy<FabricRoutes>(() => new FabricRoutes(this));
    }

    /// <summary>The graph of a scenario's fabric, built once per settings object (every partition of a process shares it).</summary>
    public static FabricGraph Of(TopologySettings topology) => Built.GetValue(topology, FabricShapes.Build);

    public int ServerCount { get; }
    public int SwitchCount => _switchNames.Count;
    public int LpCount => ServerCount + SwitchCount;

    /// <summary>Shortest-path routes (built on first use, once the graph is complete).</summary>
    public FabricRoutes Routes => _routes.Value;

    public int SwitchLp(int sw) => ServerCount + sw;
    public bool IsServer(int lp) => lp < ServerCount;
    public string NameOf(int lp) => lp < ServerCount ? $"host{lp}" : _switchNames[lp - ServerCount];

    /// <summary>The switch a server is attached to (a switch index, not an LP id).</summary>
    public int SwitchOf(int server) => _switchOfServer[server];

    /// <summary>The port of <see cref="SwitchOf"/> that leads to the server.</summary>
    public int PortOf(int server) => _portOfServer[server];

    public LinkSettings LinkOf(int server) => _serverLink[server];

    public IReadOnlyList<FabricPort> PortsOf(int sw) => _ports[sw];

    public int AddSwitch(string name)
    {
        _switchNames.Add(name);
        _ports.Add(new FabricPortList());
        return _switchNames.Count - 1;
    }

    /// <summary>Links server <paramref name="server"/> to switch <paramref name="sw"/>; <paramref name="queue"/> is the switch port's (null: topology.switch-queue).</summary>
    public void Attach(int server, int sw, LinkSettings link, QueueSettings? queue = null)
    {
        _switchOfServer[server] = sw;
        _portOfServer[server] = _ports[sw].Count;
        _serverLink[server] = link;
        _ports[sw].Add(new FabricPort(server, FabricBuilder.ServerNicWirePort, link, queue ?? _switchQueue));
    }

    /// <summary>Links switches <paramref name="a"/> and <paramref name="b"/>, a new port on each.</summary>
    public void Connect(int a, int b, LinkSettings link, QueueSettings? queue = null)
    {
        var (pa, pb) = (_ports[a].Count, _ports[b].Count);
        _ports[a].Add(new FabricPort(SwitchLp(b), pb, link, queue ?? _switchQueue));
        _ports[b].Add(new FabricPort(SwitchLp(a), pa, link, queue ?? _switchQueue));
    }

    /// <summary>Switch-to-switch links and server links in all.</summary>
    public int LinkCount => (_ports.Sum(p => p.Count) + ServerCount) / 2;
}
