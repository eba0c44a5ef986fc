using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tcp;

/// <summary>What every endpoint's TCP shares in a run: the stack's settings, and the ideal transfer times its flows are compared with.</summary>
internal sealed record TcpContext(TcpSettings Settings, IdealTransfer Ideal);

/// <summary>
/// The ideal completion time of a transfer (the denominator of FCT slowdown, as HPCC and pFabric report it): the time it would take alone on
/// an idle fabric with free CPUs — the handshake's round trip of minimum frames, then the first full segment's store-and-forward latency over
/// every link of the path, and the rest of the bytes at the path's slowest link. The path is the fabric's first shortest one
/// (<see cref="FabricRoutes.FirstPath"/>; on a leaf-spine fabric: host link, then two fabric links between leaves through a spine, then host link).
/// </summary>
/// <remarks>
/// The fabric's graph and its routes are topology, shared by the partition's endpoints (and by every partition of the process), not
/// model state: a checkpoint names the graph by its settings (<see cref="RebuiltOnRestore"/>) instead of copying its next-hop tables.
/// </remarks>
internal sealed class IdealTransfer(TopologySettings topology, Func<int, int> serverOf)
{
    private readonly FabricGraph _graph = RebuiltOnRestore.Register(FabricGraph.Of(topology), topology, FabricGraph.Of);

    public long FctPs(int fromEndpoint, int toEndpoint, long bytes, int mss)
    {
        var (from, to) = (serverOf(fromEndpoint), serverOf(toEndpoint));
        var links = _graph.Routes.FirstPath(from, to);
        if (links.Count == 0) return 0; // same server: no wire at all, so no slowdown either (the results leave it out)
        var fullSegments = bytes / mss;
        var last = (int)(bytes % mss);
        var segmentWire = Ethernet.FrameBytes(mss, Ethernet.TcpHeaderBytes) + Ethernet.PreambleAndGapBytes;
        var lastWire = last == 0 ? 0 : Ethernet.FrameBytes(last, Ethernet.TcpHeaderBytes) + Ethernet.PreambleAndGapBytes;
        var minimumWire = Ethernet.MinWireBytes;
        long handshake = 0, first = 0;
        var slowest = links[0].Rate;
        foreach (var l in links)
        {
            handshake += 2 * (l.DelayPs + l.Rate.TransmitTime(minimumWire));
            first += l.DelayPs + l.Rate.TransmitTime(fullSegments > 0 ? segmentWire : lastWire);
            if (l.Rate.BitsPerSecond < slowest.BitsPerSecond) slowest = l.Rate;
        }
        var rest = fullSegments > 0 ? (fullSegments - 1) * (long)segmentWire + lastWire : 0;
        return handshake + first + slowest.TransmitTime(rest);
    }
}
