using Akka.Actor;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Service;

/// <summary>
/// The shell's part of the registry (docs/shell.md): runs held at simulated time 0 from the start, run until a time and held there, and
/// actions (ping, iperf, migrate) applied where a run holds. The askers wait in the registry, never in an Ask chain: a run-until's asker
/// until the coordinator says the run holds (<see cref="RunHeld"/>) or is over, an action's until its <see cref="DirectiveApplied"/>.
/// </summary>
internal sealed partial class ExperimentRegistry
{
    /// <summary>Askers of a run-until, each answered with the view once its experiment holds or its run is over.</summary>
    private readonly List<(IActorRef Asker, ExperimentRecord Experiment)> _holdWaiters = [];
    /// <summary>Actions out at the coordinator, by directive id.</summary>
    private readonly Dictionary<long, IActorRef> _actions = new();
    /// <summary>Directive ids: new for each action this registry sends, so never twice in a run.</summary>
    private long _nextDirective;

    private void ShellReceives()
    {
        Receive<RunExperimentUntil>(u => Reply(u.Id, e => RunUntil(e, u)));
        Receive<ApplyExperimentAction>(a => Reply(a.Id, e => Apply(e, a)));
        Receive<RunHeld>(h =>
        {
            if (_current is not { } e) return;
            e.Held(h);
            Timers.Cancel(CoordinatorSilent.Instance);
            AnswerHoldWaiters(e);
        });
        Receive<DirectiveApplied>(d =>
        {
            if (!_actions.Remove(d.Id, out var asker)) return;
            if (d.Accepted) _current?.Acted();
            asker.Tell(d);
        });
    }

    /// <summary>The run holds at 0 once started: a pause sent right after the start (the coordinator takes it while initialising).</summary>
    private void HoldAtStart(ExperimentRecord e)
    {
        SendControl(ActorRefs.Nobody, e, false, id => new PauseRun(id));
    }

    private void RunUntil(ExperimentRecord e, RunExperimentUntil u)
    {
        if (e.State is not (ExperimentState.Running or ExperimentState.Paused) || e != _current || e.FinalResults() is not null)
        {
            Sender.Tell(new ExperimentRefused(e.View(), $"experiment {e.Id} is {e.State.Name()}: it cannot run on"));
            return;
        }
        var until = u.Until ?? (e.HeldAt ?? e.View().SimulatedTimePs) + u.For!.Value;
        SendControl(Sender, e, true, id => new RunUntil(id, until));
    }

    private void WaitForHold(IActorRef asker, ExperimentRecord e) => _holdWaiters.Add((asker, e));

    private void AnswerHoldWaiters(ExperimentRecord e)
    {
        // Completed but not yet written: the waiters hear once the files are there (the state says completed then).
        if (e.FinalResults() is not null && e.State is ExperimentState.Running or ExperimentState.Paused) return;
        foreach (var waiter in _holdWaiters.Where(w => w.Experiment == e)) waiter.Asker.Tell(e.View());
        _holdWaiters.RemoveAll(w => w.Experiment == e);
    }

    private void Apply(ExperimentRecord e, ApplyExperimentAction a)
    {
        if (e != _current || e.HeldAt is null)
        {
            Sender.Tell(new ExperimentRefused(e.View(),
                $"experiment {e.Id} is {e.State.Name()}{(e.State == ExperimentState.Paused ? " but not yet held at a barrier" : "")}: " +
                "an action applies only where the run holds (pause it, or run until a time)"));
            return;
        }
        var id = ++_nextDirective;
        _actions[id] = Sender;
        _coordinator.Tell(new ApplyDirective(id, a.Verb, a.Arguments), Self);
    }
}
