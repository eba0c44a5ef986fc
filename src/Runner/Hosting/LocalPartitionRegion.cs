using Akka.Actor;
using Akka.Cluster.Sharding;

namespace DcSim.Runner.Hosting;

/// <summary>
/// What a shard region does for a local node (<see cref="SimNode.StartLocal"/>), where nothing moves: each message goes, from its
/// sender, to the child its extractor names, created by the first message that names it; a message that names none is unhandled.
/// The coordinator therefore talks to it as to the partition region of a cluster.
/// </summary>
/// <remarks>
/// An UntypedActor, and its Props made without an expression: a ReceiveActor compiles its handlers with System.Linq.Expressions on
/// its first instance, and an expression's arguments are read by compiling them; both were JIT-compiled on the way to a run's first
/// window (docs/benchmarks.md, "eleventh round").
/// </remarks>
internal sealed class LocalPartitionRegion(Props entity, IMessageExtractor extractor) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (extractor.EntityId(message) is not { } id)
        {
            Unhandled(message);
            return;
        }
        var child = Context.Child(id);
        (child.IsNobody() ? Context.ActorOf(entity, id) : child).Forward(extractor.EntityMessage(message));
    }

    public static Props Props(Props entity, IMessageExtractor extractor) => Akka.Actor.Props.Create(typeof(LocalPartitionRegion), entity, extractor);
}
