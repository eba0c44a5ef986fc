using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A fabric given as a graph (topology.kind = explicit): named switches, <see cref="Servers"/> servers named host0 ..,
/// and links between them, each with its rate and delay and, optionally, its own switch queues. Every server has one link.
/// </summary>
public sealed record ExplicitTopology(IReadOnlyList<string> Switches, int Servers, IReadOnlyList<ExplicitLink> Links)
{
    public bool Equals(ExplicitTopology? other) =>
        other is not null && Servers == other.Servers && Switches.SequenceEqual(other.Switches) && Links.SequenceEqual(other.Links);

    public override int GetHashCode() => HashCode.Combine(Servers, Switches.Count, Links.Count);
}

/// <summary>
/// A link between <see cref="A"/> and <see cref="B"/> (switch names, or host{i} for server i), both directions alike;
/// <see cref="Queue"/> is its switch ports' output queue, or null for topology.switch-queue.
/// </summary>
public sealed record ExplicitLink(string A, string B, LinkSettings Link, QueueSettings? Queue);
