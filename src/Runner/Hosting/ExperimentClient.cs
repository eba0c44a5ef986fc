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
    public ExperimentClient(IActorRef coordinator, StartExperiment start, TaskCompletionSource<IDcSimMessage> outcome, Action<RunProgress> progress)
    {
        Receive<RunProgress>(progress);
        Receive<ExperimentCompleted>(c => { outcome.TrySetResult(c); Context.Stop(Self); });
        Receive<ExperimentFailed>(f => { outcome.TrySetResult(f); Context.Stop(Self); });
        coordinator.Tell(start, Self);
    }
}
