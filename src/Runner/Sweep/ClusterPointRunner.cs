using System.Threading.Channels;
using Akka.Actor;
using DcSim.Runner.Hosting;
using DcSim.SimCore.Metrics;

namespace DcSim.Runner.Sweep;

/// <summary>
/// Runs a sweep's points on the members of a DcSim cluster, this process among them: embedded (this process and
/// <c>Nodes - 1</c> local `dcsim node` workers, as `dcsim run --nodes`) or joined (<c>Join</c>: a running cluster, which
/// keeps running afterwards).
/// </summary>
/// <remarks>
/// One loop owns the state (<see cref="SweepSchedule{TMember}"/>, the attempts under way, the result pieces) and reads one
/// ordered stream of events from <see cref="SweepClient"/>: members coming and going, their replies. A point is handed to a
/// member's <see cref="SweepWorker"/> with a new attempt number, which every reply names; the worker answers at once that it
/// has the point, then with the results in chunks (or the run's error). A member that does not answer within
/// <see cref="AcceptLimit"/> is lost (it is no `dcsim` of this version). The results are written the moment the last chunk
/// is here; points are handed out in grid order, but finish in any order: that order shows only in the output lines.
/// Members that join the cluster during the sweep take points too.
/// </remarks>
internal sealed class ClusterPointRunner(int? nodes, string? join, AkkaLog log, bool verbose) : IPointRunner
{
    /// <summary>How long a `--join` may take until this process is Up in the cluster.</summary>
    public static readonly TimeSpan JoinLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long a member may take to say it has a point (a message's round trip: far less when it is a worker of ours).</summary>
    public static readonly TimeSpan AcceptLimit = TimeSpan.FromSeconds(10);

    /// <summary>How long a sweep whose member is being stopped waits for the Ctrl-C (or signal) that stops it to be seen.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(5);

    private sealed record AcceptDue(int Attempt);

    public async Task<SweepRunOutcome> RunAsync(SweepRun run, CancellationToken cancel)
    {
        // A resumed sweep whose points are all done needs no cluster.
        if (run.Points.Count == 0) return new SweepRunOutcome(SweepRunEnd.Completed, 0);
        var hostname = join is null ? "127.0.0.1" : JoinAddress.LocalAddressToward(join);
        await using var node = SimNode.Start(hostname, 0, join is null ? [] : [join], log);
        // Leaving a joined cluster gracefully needs every member reachable. An embedded sweep's workers are idle when it ends
        // and are killed (with a graceful leave, workers and this process would take ~3 s more to go, for nothing).
        var graceful = false;
        try
        {
            if (join is null) node.Cluster.Join(node.Cluster.SelfAddress);
            using var workers = nodes is > 1 ? WorkerProcesses.Start(nodes.Value - 1, $"127.0.0.1:{node.Cluster.SelfAddress.Port}", verbose) : null;
            try
            {
                // Embedded: every worker is up before the first point is handed out, so that --nodes N means N members at work.
                if (workers is not null) await node.WaitForMembersAsync(nodes!.Value, TimeSpan.FromSeconds(90), cancel);
                if (join is not null) await JoinAsync(node, join, cancel);
            }
            catch (OperationCanceledException)
            {
                return new SweepRunOutcome(SweepRunEnd.Interrupted, 0);
            }
            catch (TimeoutException ex)
            {
                Console.Error.WriteLine($"dcsim: {ex.Message}{log.Hint}");
                return new SweepRunOutcome(SweepRunEnd.Failed, 0);
            }
            var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            var client = node.System.ActorOf(SweepClient.Props(events.Writer), "sweep-client");
            var dispatch = new Dispatch(run, node, client, events, workers);
            var outcome = await dispatch.RunAsync(cancel);
            graceful = join is not null && !dispatch.LostMembers && node.Cluster.State.Unreachable.Count == 0;
            return outcome;
        }
        finally
        {
            if (!graceful) node.Abandon();
        }
    }

    private static async Task JoinAsync(SimNode node, string join, CancellationToken cancel)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Cluster.RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(JoinLimit, cancel);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"--join {join}: this process was not admitted to the cluster within {JoinLimit.TotalSeconds:0} s");
        }
    }

    /// <summary>One sweep's dispatch: the loop and the state it alone touches.</summary>
    private sealed class Dispatch(SweepRun run, SimNode node, IActorRef client, Channel<object> events, WorkerProcesses? workers)
    {
        private readonly Dictionary<int, PlannedPoint> _points = run.Points.ToDictionary(p => p.Point.Number);
        private readonly SweepSchedule<Address> _schedule = new(run.Points.Select(p => p.Point.Number));
        private readonly Dictionary<int, (Address Member, int Point)> _attempts = [];
        private readonly HashSet<int> _unaccepted = [];
        private readonly PointResultAssembly _results = new();
        private readonly Address _self = node.Cluster.SelfAddress;
        private int _lastAttempt;
        private int _written;
        private bool _hadOthers;

        public bool LostMembers { get; private set; }

        public async Task<SweepRunOutcome> RunAsync(CancellationToken cancel)
        {
            while (true)
            {
                var assigned = _schedule.Assign(out var givenUp);
                foreach (var (member, point) in assigned) Send(member, point);
                foreach (var point in givenUp)
                    Console.Error.WriteLine($"dcsim: {run.Name(_points[point].Point)}: no member is left that it has not failed on; given up");
                if (_schedule.Finished) break;
                object next;
                try
                {
                    next = await events.Reader.ReadAsync(cancel);
                }
                catch (OperationCanceledException)
                {
                    return new SweepRunOutcome(SweepRunEnd.Interrupted, _written);
                }
                // Ctrl-C also starts Akka's own shutdown, whose "member left" events may come first: they are no loss.
                if (cancel.IsCancellationRequested) return new SweepRunOutcome(SweepRunEnd.Interrupted, _written);
                if (Handle(next) is not { } end) continue;
                // Akka may see the signal before the command line's handler does: returning now, before that handler has
                // cancelled, would let it find its token disposed.
                if (end == SweepRunEnd.Interrupted) await Task.WhenAny(Task.Delay(StopLimit, cancel));
                return new SweepRunOutcome(end, _written);
            }
            if (_schedule.GivenUp.Count == 0) return new SweepRunOutcome(SweepRunEnd.Completed, _written);
            Console.Error.WriteLine($"dcsim: {_schedule.GivenUp.Count} point(s) failed: {string.Join(", ", _schedule.GivenUp)}; their folders are not written (--resume runs them again)");
            return new SweepRunOutcome(SweepRunEnd.Failed, _written);
        }

        /// <summary>How the sweep ends when it cannot go on; null while it can.</summary>
        private SweepRunEnd? Handle(object next)
        {
            switch (next)
            {
                case SweepMemberUp up:
                    _schedule.Add(up.Member);
                    _hadOthers |= up.Member != _self;
                    break;
                // This process's own member goes only when the process is being stopped (Ctrl-C, a signal): Akka leaves
                // the cluster then. As long as it stays, some member can run the points, so a sweep never runs out of members.
                case SweepMemberLost lost when lost.Member == _self:
                    return SweepRunEnd.Interrupted;
                case SweepMemberLost lost:
                    Lose(lost.Member, lost.How);
                    break;
                case PointAccepted accepted:
                    _unaccepted.Remove(accepted.Attempt);
                    break;
                case AcceptDue due when _unaccepted.Remove(due.Attempt):
                    Lose(_attempts[due.Attempt].Member, $"did not take the point within {AcceptLimit.TotalSeconds:0} s (is it a `dcsim node` of this version?)");
                    break;
                case PointFailed f:
                    Failed(f);
                    break;
                case PointResultChunk chunk when _results.Add(chunk) is { } bytes:
                    return Finished(chunk, bytes) ? null : SweepRunEnd.Failed;
            }
            return null;
        }

        private void Send(Address member, int point)
        {
            var attempt = ++_lastAttempt;
            _attempts[attempt] = (member, point);
            _unaccepted.Add(attempt);
            var settings = _points[point].Settings;
            node.System.ActorSelection(new RootActorPath(member) / "user" / SweepWorker.Name)
                .Tell(new RunPoint(attempt, point, settings.ResolvedHocon, settings.BaseDirectory), client);
            _ = Task.Delay(AcceptLimit).ContinueWith(_ => events.Writer.TryWrite(new AcceptDue(attempt)), TaskScheduler.Default);
        }

        private void Lose(Address member, string how)
        {
            if (!_schedule.Has(member)) return;
            LostMembers = true;
            if (_schedule.Lose(member) is { } point)
                Console.Error.WriteLine($"dcsim: {run.Name(_points[point].Point)}: member {Name(member)} {how}; the point runs again on another member");
            else
                Console.Error.WriteLine($"dcsim: member {Name(member)} {how}");
            if (_hadOthers && _schedule.Members == 1)
                Console.Error.WriteLine("dcsim: every other member is gone: the remaining points run on this process (Ctrl-C, then --resume on a new cluster, to spread them again)");
        }

        private void Failed(PointFailed f)
        {
            var (member, point) = _attempts[f.Attempt];
            _unaccepted.Remove(f.Attempt);
            var outcome = _schedule.Fail(member, point);
            if (outcome == PointFailure.Ignored) return;
            var then = outcome == PointFailure.Retry ? "it runs again on another member" : "given up";
            Console.Error.WriteLine($"dcsim: {run.Name(_points[point].Point)} failed on {Name(member)}: {f.Message.ReplaceLineEndings("; ")}; {then}");
        }

        /// <summary>Writes the point's folder if these are its first results; false when that fails (the disk, not the point).</summary>
        private bool Finished(PointResultChunk last, byte[] bytes)
        {
            var (member, point) = _attempts[last.Attempt];
            _unaccepted.Remove(last.Attempt);
            ResultsBuilder results;
            try
            {
                results = ResultsCodec.Decode(bytes);
            }
            // A member of another build, whose codec differs: its point is tried elsewhere.
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                Failed(new PointFailed(last.Attempt, $"its results cannot be read here ({ex.Message}): is it a `dcsim node` of this version?"));
                return true;
            }
            if (!_schedule.Complete(member, point)) return true;
            var planned = _points[point];
            try
            {
                run.Write(planned, results);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"dcsim: {run.Name(planned.Point)}: cannot write its results: {ex.Message}");
                return false;
            }
            _written++;
            Console.WriteLine($"{run.Name(planned.Point)}: {TimeSpan.FromMicroseconds(last.WallMicroseconds).TotalSeconds:0.000} s on {Name(member)}");
            return true;
        }

        private string Name(Address member) =>
            member == _self ? "this process" : workers?.Name(member.ToString()) ?? member.ToString();
    }
}
