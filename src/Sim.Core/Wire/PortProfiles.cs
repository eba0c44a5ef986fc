using DcSim.SimCore.Units;

namespace DcSim.SimCore.Wire;

/// <summary>
/// The profiles of the ports one builder makes (a partition's switches and servers): one per kind of link, handed to each port of
/// that kind. Owned by the builder, so that nothing outlives a build or is shared between partitions built at once.
/// </summary>
public sealed class PortProfiles
{
    private readonly Dictionary<PortProfile, PortProfile> _made = [];

    /// <summary>The profile of the ports with these settings: the one made for the first of them.</summary>
    /// <param name="peerNames">The LPs' names by id (the builder's one list).</param>
    public PortProfile Of(DataRate rate, long delayPs, QueueLimit limit, ushort ownerComponent, ushort transmitDoneTimer, ushort peerComponent,
        IReadOnlyList<string> peerNames)
    {
        var profile = new PortProfile(rate, delayPs, limit, ownerComponent, transmitDoneTimer, peerComponent, peerNames);
        if (_made.TryGetValue(profile, out var made)) return made;
        _made.Add(profile, profile);
        return profile;
    }
}
