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
/// <para>
/// An UntypedActor: a ReceiveActor compiles its handlers with System.Linq.Expressions on its first instance, and the compiled
/// handlers are then JIT-compiled, on the way to the first window this client marks (docs/benchmarks.md, "eleventh round").
/// </para>
/// </remarks>
internal sealed class ExperimentClient : UntypedActor
{
    /// <summary>Twice the coordinator's own watchdog on its partitions.</summary>
    public static readonly TimeSpan CoordinatorSilenceLimit = 2 * WindowCoordinator.SilenceLimit;

    private readonly TaskCompletionSource<IDcSimMessage> _outcome;
    private readonly TaskCompletionSource? _placed;
    private readonly Action<RunProgress> _progress;
    private readonly Action<CheckpointTaken>? _checkpointed;
    private readonly Action<CheckpointFailed>? _checkpointFailed;
    private Address? _coordinatorMember;

    /// <param name="placed">Completed once the first window is granted, or when the run ends without one (so nobody waits on it forever).</param>
    public ExperimentClient(IActorRef coordinator, StartExperiment start, TaskCompletionSource<IDcSimMessage> outcome, Action<RunProgress> progress,
        Action<CheckpointTaken>? checkpointed = null, Action<CheckpointFailed>? checkpointFailed = null, TaskCompletionSource? placed = null)
    {
        _outcome = outcome;
        _placed = placed;
        _progress = progress;
        _checkpointed = checkpointed;
        _checkpointFailed = checkpointFailed;
        // The coordinator reports progress at least every progress interval of simulated time and fails a
        // run whose partitions go silent; a coordinator that itself goes silent for this long is lost.
        Context.SetReceiveTimeout(CoordinatorSilenceLimit);
        coordinator.Tell(start, Self);
    }

    /// <summary>Props made from the arguments, not from an expression (whose arguments Akka reads by compiling them).</summary>
    public static Props Props(IActorRef coordinator, StartExperiment start, TaskCompletionSource<IDcSimMessage> outcome, Action<RunProgress> progress,
        Action<CheckpointTaken>? checkpointed, Action<CheckpointFailed>? checkpointFailed, TaskCompletionSource? placed) =>
        Akka.Actor.Props.Create(typeof(ExperimentClient), coordinator, start, outcome, progress, checkpointed, checkpointFailed, placed);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CheckpointTaken c:
                _checkpointed?.Invoke(c);
                break;
            case CheckpointFailed f:
                _checkpointFailed?.Invoke(f);
                break;
            // The coordinator says where the partitions are as it grants the first window.
            case RunPlaced:
                StartTimeline.Mark("first window");
                _placed?.TrySetResult();
                break;
            case RunProgress p:
                if (Sender.Path.Address.HasGlobalScope) _coordinatorMember = Sender.Path.Address;
                _progress(p);
                break;
            case ExperimentCompleted completed:
                Finish(completed);
                break;
            case ExperimentFailed failed:
                Finish(failed);
                break;
            case ClusterEvent.UnreachableMember u:
                CoordinatorLost(u.Member.Address, "became unreachable");
                break;
            case DisassociatedEvent d:
                CoordinatorLost(d.RemoteAddress, "was disconnected");
                break;
            case ClusterEvent.CurrentClusterState:
                break;
            case ReceiveTimeout:
                Finish(new ExperimentFailed($"the coordinator has not answered for {CoordinatorSilenceLimit.TotalSeconds:0} s"));
                break;
            default:
                Unhandled(message);
                break;
        }
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
