using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace DcSim.Runner.Hosting;

/// <summary>A member that is Up (or reachable again): it can take points.</summary>
internal sealed record SweepMemberUp(Address Member);

/// <summary>A member that is gone or cannot be reached (<paramref name="How"/>: "left the cluster", "became unreachable", ...).</summary>
internal sealed record SweepMemberLost(Address Member, string How);

/// <summary>
/// The sweep's actor: the address members reply to, and the bridge that turns cluster events and members' replies into
/// one ordered stream for the sweep's dispatch loop, which keeps all the state (so no state is shared with an actor).
/// </summary>
/// <remarks>
/// Membership as the window coordinator sees it (no downing provider in <see cref="ClusterConfig"/>: an unreachable member
/// stays a member, never removed): a member is lost when it leaves, becomes unreachable (the failure detector, a few
/// seconds) or is disconnected (its process died: about a second). It can take points again when it is reachable again.
/// </remarks>
internal sealed class SweepClient : ReceiveActor
{
    public SweepClient(ChannelWriter<object> events)
    {
        Receive<ClusterEvent.MemberUp>(m => events.TryWrite(new SweepMemberUp(m.Member.Address)));
        Receive<ClusterEvent.ReachableMember>(m =>
        {
            if (m.Member.Status == MemberStatus.Up) events.TryWrite(new SweepMemberUp(m.Member.Address));
        });
        Receive<ClusterEvent.UnreachableMember>(m => events.TryWrite(new SweepMemberLost(m.Member.Address, "became unreachable")));
        Receive<ClusterEvent.MemberLeft>(m => events.TryWrite(new SweepMemberLost(m.Member.Address, "left the cluster")));
        Receive<ClusterEvent.MemberRemoved>(m => events.TryWrite(new SweepMemberLost(m.Member.Address, "left the cluster")));
        Receive<DisassociatedEvent>(d => events.TryWrite(new SweepMemberLost(d.RemoteAddress, "was disconnected")));
        Receive<ISweepMessage>(m => events.TryWrite(m));
        // Joining, exiting and the other membership steps change nothing for the sweep.
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public static Props Props(ChannelWriter<object> events) => Akka.Actor.Props.Create(() => new SweepClient(events));

    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Context.System.EventStream.Subscribe<DisassociatedEvent>(Self);
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe<DisassociatedEvent>(Self);
    }
}
