using DcSim.SimCore.Units;

namespace DcSim.ActorsNetwork.Bridges;

/// <summary>
/// The forwarding database knobs of a Linux bridge (<c>ip link set br0 type bridge ageing_time ... fdb_max_learned ...</c>).
/// </summary>
/// <param name="AgeingTimePs">
/// How long a learned address stays usable without a frame from it. 0 turns learning off, and the bridge then floods
/// every unicast frame, as Linux does ("some users want to always flood", net/bridge/br_fdb.c, br_fdb_update).
/// </param>
/// <param name="MaxLearned">
/// At most this many learned addresses; when the table holds that many, new addresses are not learned (their frames
/// keep being flooded) until entries age out. 0 means no limit.
/// </param>
public sealed record BridgeSettings(long AgeingTimePs, int MaxLearned)
{
    /// <summary>
    /// Linux's defaults: ageing 300 s (<c>BR_DEFAULT_AGEING_TIME (300 * HZ)</c>, include/linux/if_bridge.h) and no
    /// learning limit (<c>fdb_max_learned</c> = 0, "unlimited", since Linux 6.8: net/bridge/br_fdb.c, fdb_create).
    /// </summary>
    public static readonly BridgeSettings Linux = new(300 * SimTime.Second, 0);

    public long AgeingTimePs { get; } = AgeingTimePs >= 0
        ? AgeingTimePs
        : throw new ArgumentOutOfRangeException(nameof(AgeingTimePs), AgeingTimePs, "the ageing time cannot be negative");

    public int MaxLearned { get; } = MaxLearned >= 0
        ? MaxLearned
        : throw new ArgumentOutOfRangeException(nameof(MaxLearned), MaxLearned, "the learning limit cannot be negative (0 = no limit)");

    /// <summary>False when the ageing time is 0: nothing is learned, every unicast frame floods.</summary>
    public bool Learns => AgeingTimePs > 0;
}
