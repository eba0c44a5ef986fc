namespace DcSim.SimCore.Wire;

public enum PacketType : byte { Data = 0, Request = 1, Response = 2 }

/// <summary>
/// One packet as it travels: a value type so that queues and events hold it inline, without
/// allocation on the hot path. Sizes are the UDP payload; framing is added by <see cref="Ethernet"/>.
/// </summary>
public struct Packet
{
    /// <summary>Globally unique flow id: (source host, generator, flow number), see <see cref="FlowIds"/>.</summary>
    public long FlowId;
    /// <summary>Virtual time at which the packet was created by its generator (ps).</summary>
    public long CreatedAt;
    /// <summary>For a response: the creation time of the request it answers (ps).</summary>
    public long RequestCreatedAt;
    public int SourceHost;
    public int DestinationHost;
    public int PayloadBytes;
    /// <summary>Hash of the 5-tuple, used for ECMP; the same for every packet of a flow.</summary>
    public uint FlowHash;
    public int Sequence;
    public PacketType Type;
    /// <summary>True on the last packet of a response or a sized flow.</summary>
    public bool LastOfMessage;
}

/// <summary>Packs and unpacks flow ids so that they are unique without coordination.</summary>
public static class FlowIds
{
    public static long Make(int sourceHost, int generator, long flowNumber) =>
        ((long)sourceHost << 40) | ((long)(generator & 0xFF) << 32) | (flowNumber & 0xFFFF_FFFF);

    public static int SourceHost(long flowId) => (int)(flowId >> 40);
    public static int Generator(long flowId) => (int)((flowId >> 32) & 0xFF);
    public static long Number(long flowId) => flowId & 0xFFFF_FFFF;
}
