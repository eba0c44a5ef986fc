using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using DcSim.SimCore.Cluster;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// Submits one experiment to the coordinator and turns its replies into a task and progress callbacks,
/// so the command line never blocks inside an actor.
/// </summary>
/// <remarks>
/// The coordinator restarts (or fails) a run whose members are lost; when the coordinator's own member is lost (on a
/// cluster joined with `--join`, where it runs on the oldest `dcsim node`) nobody would, so the client
/// watches that member itself: its first progress report tells where the coordinator runs.
/// </remarks>
internal sealed class ExperimentClient : ReceiveActor
{
    /// <summary>Twice the coordinator's own watchdog on its partitions.</summary>
    public static readonly TimeSpan CoordinatorSilenceLimit = 2 * WindowCoordinator.SilenceLimit;

    private readonly TaskCompletionSource<IDcSimMessage> _outcome;
    private readonly TaskCompletionSource? _placed;
    private Address? _coordinatorMember;

    /// <param name="placed">Completed once the first window is granted, or when the run ends without one (so nobody waits on it forever).</param>
    public ExperimentClient(IActorRef coordinator, StartExperiment start, TaskCompletionSource<IDcSimMessage> outcome, Action<RunProgress> progress,
        Action<CheckpointTaken>? checkpointed = null, Action<CheckpointFailed>? checkpointFailed = null, TaskCompletionSource? placed = null)
    {
        _outcome = outcome;
        _placed = placed;
        Receive<CheckpointTaken>(c => checkpointed?.Invoke(c));
        Receive<CheckpointFailed>(f => checkpointFailed?.Invoke(f));
        // The coordinator says where the partitions are as it grants the first window.
        Receive<RunPlaced>(_ =>
        {
            StartTimeline.Mark("first window");
            _placed?.TrySetResult();
        });
        Receive<RunProgress>(p =>
        {
            if (Sender.Path.Address.HasGlobalScope) _coordinatorMember = Sender.Path.Address;
            progress(p);
        });
        Receive<ExperimentCompleted>(Finish);
        Receive<ExperimentFailed>(Finish);
        Receive<ClusterEvent.UnreachableMember>(u => CoordinatorLost(u.Member.Address, "became unreachable"));
        Receive<DisassociatedEvent>(d => CoordinatorLost(d.RemoteAddress, "was disconnected"));
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        // The coordinator reports progress at least every progress interval of simulated time and fails a
        // run whose partitions go silent; a coordinator that itself goes silent for this long is lost.
        Receive<ReceiveTimeout>(_ => Finish(new ExperimentFailed($"the coordinator has not answered for {CoordinatorSilenceLimit.TotalSeconds:0} s")));
        Context.SetReceiveTimeout(CoordinatorSilenceLimit);
        coordinator.Tell(start, Self);
    }

    /// <summary>The cluster the coordinator may run elsewhere in; none on a local node, where it runs beside this client.</summary>
    private Cluster? Membership => ((ExtendedActorSystem)Context.System).Provider is ClusterActorRefProvider ? Cluster.Get(Context.System) : null;

    protected override void PreStart()
    {
        Membership?.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.UnreachableMember));
        Context.System.EventStream.Subscribe<DisassociatedEvent>(Self);
    }

    protected override void PostStop()
    {
        Membership?.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe<DisassociatedEvent>(Self);
    }

    private void CoordinatorLost(Address member, string what)
    {
        if (member == _coordinatorMember)
            Finish(new ExperimentFailed($"cluster member {member}, which runs the coordinator, {what}: the run cannot go on without it"));
    }

    private void Finish(IDcSimMessage outcome)
    {
        _placed?.TrySetResult();
        _outcome.TrySetResult(outcome);
        Context.Stop(Self);
    }
}
