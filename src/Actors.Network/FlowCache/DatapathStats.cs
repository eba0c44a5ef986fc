namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>
/// Counters of one datapath. The outcome counters partition the packets received:
/// <c>ExactMatchHits + MegaflowHits + UpcallsHandled + UpcallsLost == Packets</c> (a mask-cache hit is a
/// megaflow hit that probed its cached mask first, counted in <see cref="MaskCacheHits"/> as well).
/// </summary>
public sealed class DatapathStats
{
    public long Packets { get; internal set; }
    public long ExactMatchHits { get; internal set; }
    public long MegaflowHits { get; internal set; }
    public long MaskCacheHits { get; internal set; }
    public long UpcallsHandled { get; internal set; }
    public long UpcallsLost { get; internal set; }
    public long FlowsInstalled { get; internal set; }
    /// <summary>Upcalls that did not install a flow because the flow limit was reached.</summary>
    public long InstallsRefused { get; internal set; }
    public long Evictions { get; internal set; }
    public long Revalidations { get; internal set; }
    public long MasksProbed { get; internal set; }
    public long Cycles { get; internal set; }

    public bool Partitioned => ExactMatchHits + MegaflowHits + UpcallsHandled + UpcallsLost == Packets;

    public double MasksPerPacket => Packets == 0 ? 0 : (double)MasksProbed / Packets;
    public double CyclesPerPacket => Packets == 0 ? 0 : (double)Cycles / Packets;
}
