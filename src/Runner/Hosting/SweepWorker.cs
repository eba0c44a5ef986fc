using System.Diagnostics;
using Akka.Actor;
using DcSim.Runner.Sweep;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Hosting;

/// <summary>
/// Runs sweep points on this cluster member, one at a time, each an ordinary single-process run of the point's scenario
/// (<see cref="LocalPointRunner.RunPoint"/>, as the sweep would run it itself); sends the results back in chunks, or the
/// run's error. Every <see cref="SimNode"/> has one at /user/<see cref="Name"/>.
/// </summary>
/// <remarks>
/// A run goes on a thread of its own (it is long and CPU-bound: on the actor's dispatcher it would hold up the member's
/// cluster heartbeats), and its outcome comes back as a message. Points that arrive while one runs wait in order (a sweep
/// sends a member a point only when it is free, but two sweeps may share a cluster); those of a sweep that is gone are
/// dropped. A run cannot be stopped half-way: a point under way when its sweep goes finishes for nothing.
/// </remarks>
internal sealed class SweepWorker : ReceiveActor
{
    public const string Name = "sweep-worker";

    /// <summary>A quarter of the remoting frame size (<see cref="ClusterConfig.MaximumFrameSize"/>, 16 MiB).</summary>
    public const int DefaultChunkBytes = 4 << 20;

    private readonly int _chunkBytes;
    private readonly Queue<(RunPoint Run, IActorRef Sweep)> _waiting = new();
    private bool _busy;

    public SweepWorker(int chunkBytes)
    {
        _chunkBytes = chunkBytes;
        Receive<RunPoint>(run =>
        {
            Sender.Tell(new PointAccepted(run.Attempt));
            Context.Watch(Sender);
            _waiting.Enqueue((run, Sender));
            StartNext();
        });
        Receive<Outcome>(outcome =>
        {
            _busy = false;
            Reply(outcome);
            StartNext();
        });
        Receive<Terminated>(t =>
        {
            var kept = _waiting.Where(w => !w.Sweep.Equals(t.ActorRef)).ToList();
            _waiting.Clear();
            foreach (var w in kept) _waiting.Enqueue(w);
        });
    }

    public static Props Props(int chunkBytes = DefaultChunkBytes) => Akka.Actor.Props.Create(() => new SweepWorker(chunkBytes));

    /// <summary>A finished run: its results' bytes, or the error's message (<see cref="Results"/> null).</summary>
    private sealed record Outcome(RunPoint Run, IActorRef Sweep, byte[]? Results, string Error, long WallMicroseconds);

    private void StartNext()
    {
        if (_busy || !_waiting.TryDequeue(out var next)) return;
        _busy = true;
        var (run, sweep) = next;
        Task.Factory.StartNew(() => Execute(run, sweep), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).PipeTo(Self);
    }

    private static Outcome Execute(RunPoint run, IActorRef sweep)
    {
        var wall = Stopwatch.StartNew();
        try
        {
            var settings = ScenarioLoader.Parse(run.ScenarioHocon, $"<point {run.Point} sent by the sweep>", run.BaseDirectory, ActorsHost.FabricModel.Instance);
            return new Outcome(run, sweep, ResultsCodec.Encode(LocalPointRunner.RunPoint(settings)), "", (long)wall.Elapsed.TotalMicroseconds);
        }
        // Whatever a point does wrong, the member stays up to run the next: the sweep reports the message and retries elsewhere.
        catch (Exception ex)
        {
            return new Outcome(run, sweep, null, ex.Message, (long)wall.Elapsed.TotalMicroseconds);
        }
    }

    private void Reply(Outcome outcome)
    {
        if (outcome.Results is not { } bytes)
        {
            outcome.Sweep.Tell(new PointFailed(outcome.Run.Attempt, outcome.Error));
            return;
        }
        var count = Math.Max(1, (bytes.Length + _chunkBytes - 1) / _chunkBytes);
        for (var i = 0; i < count; i++)
        {
            var piece = bytes.AsSpan(i * _chunkBytes, Math.Min(_chunkBytes, bytes.Length - i * _chunkBytes)).ToArray();
            outcome.Sweep.Tell(new PointResultChunk(outcome.Run.Attempt, i, count, outcome.WallMicroseconds, piece));
        }
    }
}
