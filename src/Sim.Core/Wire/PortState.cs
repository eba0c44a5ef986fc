namespace DcSim.SimCore.Wire;

/// <summary>
/// What every frame of an output port reads or changes: its state, its counters and its peer (32 B). A NIC's port keeps it in its own
/// object (<see cref="OutputPort"/>); a switch keeps its ports' in one array (<see cref="SwitchPorts"/>), so that a port carrying a frame
/// once per host gap shares its cache line with a neighbour instead of having an 80-byte object of its own that has left the cache
/// (docs/benchmarks.md, "Issue 14, ninth round: a switch's ports in one array").
/// </summary>
internal struct PortState
{
    public long TxPackets;
    public long TxWireBytes;
    public long BusyPs;
    public int PeerLp;
    public ushort PeerPort;
    /// <summary>Zero for an idle port whose frames need nothing but their transmission: the one test of a frame that finds it so.</summary>
    public PortFlags Flags;
    /// <summary>
    /// A switch's port: which of its switch's few distinct profiles is the port's (<see cref="SwitchPorts"/>), in what was padding, so that
    /// a frame reads its profile from a short array that stays in the cache, not from a line of its own per port.
    /// </summary>
    public byte Profile;
}

[Flags]
internal enum PortFlags : byte
{
    None = 0,
    /// <summary>A frame is being transmitted.</summary>
    Busy = 1,
    /// <summary>Packets wait in the port's queue (<see cref="PortQueue.Count"/> &gt; 0).</summary>
    Queued = 2,
    /// <summary>An ECN marker judges each arriving packet.</summary>
    Judged = 4,
    /// <summary>A capture records each transmitted frame.</summary>
    Captured = 8,
}
