using Akka.Actor;
using DcSim.SimCore.Cluster;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// Submits one experiment to the coordinator and turns its replies into a task and progress callbacks,
/// so the command line never blocks inside an actor.
/// </summary>
internal sealed class ExperimentClient : ReceiveActor
{
    /// <summary>Twice the coordinator's own watchdog on its partitions.</summary>
    public static readonly TimeSpan CoordinatorSilenceLimit = 2 * WindowCoordinator.SilenceLimit;

    public ExperimentClient(IActorRef coordinator, StartExperiment start, TaskCompletionSource<IDcSimMessage> outcome, Action<RunProgress> progress)
    {
        Receive<RunProgress>(progress);
        Receive<ExperimentCompleted>(c => { outcome.TrySetResult(c); Context.Stop(Self); });
        Receive<ExperimentFailed>(f => { outcome.TrySetResult(f); Context.Stop(Self); });
        // The coordinator reports progress at least every progress interval of simulated time and fails a
        // run whose partitions go silent; a coordinator that itself goes silent for this long is lost.
        Receive<ReceiveTimeout>(_ =>
        {
            outcome.TrySetResult(new ExperimentFailed($"the coordinator has not answered for {CoordinatorSilenceLimit.TotalSeconds:0} s"));
            Context.Stop(Self);
        });
        Context.SetReceiveTimeout(CoordinatorSilenceLimit);
        coordinator.Tell(start, Self);
    }
}
