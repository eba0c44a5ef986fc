using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Nat;

/// <summary>Which rule made the entry: Docker's MASQUERADE for a container's outbound connection, or its DNAT for a published port.</summary>
public enum NatKind : byte
{
    /// <summary>Opened from inside: the source becomes the host's address (and a free port).</summary>
    Masquerade,
    /// <summary>Opened from outside to a published port: the destination becomes the container's.</summary>
    Published,
}

/// <summary>
/// One tracked connection: its two tuples, the container behind the NAT, and the state its timeout follows.
/// </summary>
public sealed class ConntrackEntry(ConntrackTuple original, ConntrackTuple reply, NatKind kind, EndpointAddress container, long createdAt)
{
    /// <summary>The first packet's tuple as it arrived, before NAT.</summary>
    public ConntrackTuple Original { get; } = original;
    /// <summary>The tuple a reply carries as it arrives, before it is translated back.</summary>
    public ConntrackTuple Reply { get; } = reply;
    public NatKind Kind { get; } = kind;
    /// <summary>The container on the inside of the connection.</summary>
    public EndpointAddress Container { get; } = container;
    public long CreatedAt { get; } = createdAt;
    /// <summary>The entry is dead from this time on (Linux: nf_ct_is_expired once the timeout is not in the future).</summary>
    public long ExpiresAt { get; internal set; }
    /// <summary>IPS_SEEN_REPLY: a packet went the reply way.</summary>
    public bool SeenReply { get; internal set; }
    /// <summary>IPS_ASSURED: an established connection, which early drop spares.</summary>
    public bool Assured { get; internal set; }
    /// <summary>The original direction is the container's (outbound) direction.</summary>
    public bool OpenedInside => Kind == NatKind.Masquerade;

    public bool IsExpired(long now) => now >= ExpiresAt;
}
