using Akka.Actor;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;

namespace DcSim.SimCore.Cluster;

/// <summary>Marker of every message that may cross cluster nodes; all are bound to <see cref="DcSimSerializer"/>.</summary>
public interface IDcSimMessage;

/// <summary>
/// The messages of an experiment run. Client -> coordinator: <see cref="StartExperiment"/>.
/// Coordinator -> partitions: <see cref="InitPartition"/>, <see cref="PartitionDirectory"/>,
/// <see cref="ReleaseStretch"/>, <see cref="ParkStretch"/>, <see cref="FinishRun"/>. Partitions -> coordinator:
/// <see cref="PartitionReady"/>, <see cref="StretchProgressed"/>, <see cref="StretchParked"/>, <see cref="PartitionReport"/>.
/// Partition -> partition: <see cref="PeerWindow"/> (and <see cref="EventBatch"/> ahead of it when a window made much). Coordinator -> client: <see cref="RunProgress"/>,
/// <see cref="ExperimentCompleted"/> or <see cref="ExperimentFailed"/>. Controls (client -> coordinator, answered at once):
/// <see cref="PauseRun"/>, <see cref="ResumeRun"/>, <see cref="RunUntil"/>, <see cref="StopRun"/>, and, while the run holds
/// (<see cref="RunHeld"/>), <see cref="ApplyDirective"/>, which the coordinator hands to every partition
/// (<see cref="PartitionDirective"/>, answered by <see cref="DirectiveOutcome"/>). Every message of a run carries its run
/// number, which is new for each attempt: what is left of an earlier, failed run on a long-lived cluster, or of an
/// attempt abandoned after losing a member, is recognised and dropped.
/// </summary>
public static class WindowProtocol
{
    /// <summary>
    /// Runs the scenario (resolved HOCON) split into <paramref name="Partitions"/> partitions; replies go to the sender. With
    /// <paramref name="From"/>, the run continues from that checkpoint (a run resumed from its journal) instead of the start.
    /// </summary>
    public sealed record StartExperiment(string ScenarioHocon, string BaseDirectory, int Partitions, RecoveryPoint? From = null) : IDcSimMessage;

    /// <summary>
    /// Build partition <paramref name="Index"/> from the scenario on the layout the coordinator made (<paramref name="PartitionOfLp"/>, by LP
    /// id: a balanced layout's pilot runs once, there), or, when <paramref name="RestoreParts"/> &gt; 0, restore it from the checkpoint that
    /// arrives in that many <see cref="CheckpointPart"/> messages.
    /// </summary>
    public sealed record InitPartition(long Run, int Index, int Count, string ScenarioHocon, string BaseDirectory, int[] PartitionOfLp, int RestoreParts = 0)
        : IDcSimMessage;

    /// <summary>
    /// Piece <paramref name="Part"/> of <paramref name="Parts"/> of partition <paramref name="Index"/>'s checkpoint, taken at the barrier
    /// before window <paramref name="Window"/> (simulated time <paramref name="SimulatedTime"/>): from the partition to the coordinator,
    /// or from the coordinator to a partition it restores (once the partition asks, <see cref="RestoreWanted"/>). Pieces stay under
    /// the remoting frame size (<see cref="MaxBytes"/>).
    /// </summary>
    public sealed record CheckpointPart(long Run, int Index, long Window, long SimulatedTime, int Part, int Parts, byte[] Bytes) : IDcSimMessage
    {
        public const int MaxBytes = 256 * 1024;

        public static IEnumerable<CheckpointPart> Split(long run, int index, long window, long time, byte[] checkpoint)
        {
            var parts = Math.Max(1, (checkpoint.Length + MaxBytes - 1) / MaxBytes);
            for (var i = 0; i < parts; i++)
                yield return new CheckpointPart(run, index, window, time, i, parts, checkpoint[(i * MaxBytes)..Math.Min(checkpoint.Length, (i + 1) * MaxBytes)]);
        }

        public static byte[] Join(IReadOnlyList<CheckpointPart> parts)
        {
            var joined = new byte[parts.Sum(p => p.Bytes.Length)];
            var at = 0;
            foreach (var p in parts.OrderBy(p => p.Part))
            {
                p.Bytes.CopyTo(joined, at);
                at += p.Bytes.Length;
            }
            return joined;
        }
    }

    /// <summary>
    /// A partition told to restore (an <see cref="InitPartition"/> with pieces to come) asks for them, once per attempt: they go to the
    /// partition that asked, which is alive, rather than after every repeated init through the region (where a lost member's would vanish).
    /// </summary>
    public sealed record RestoreWanted(long Run, int Index) : IDcSimMessage;

    /// <summary>
    /// Partition <paramref name="Index"/> could not take its checkpoint before window <paramref name="Window"/>: the run goes on without
    /// checkpoints (a member loss then restarts it from the last complete one, or the start). Also told to the client, which says so.
    /// </summary>
    public sealed record CheckpointFailed(long Run, int Index, long Window, string Reason) : IDcSimMessage;

    /// <summary>
    /// Every partition's checkpoint at the barrier before window <paramref name="Point"/>.Window + 1 is in: the run can roll back there.
    /// Coordinator -> client, which writes it to the journal. Only a client in the coordinator's process gets the checkpoint's bytes (a
    /// remote client, `--join`, would need them in pieces: it gets the point alone and its journal keeps none). Wall-clock figures only.
    /// </summary>
    public sealed record CheckpointTaken(RecoveryPoint Point, long WallMicroseconds) : IDcSimMessage;

    /// <summary>
    /// The partition is built and started; its earliest event, where it runs (the Akka address), and the endpoint ("host:port") of its
    /// process's data channel, where peers in other processes send it their windows ("": none, they go through Akka).
    /// </summary>
    public sealed record PartitionReady(long Run, int Index, long NextEventTime, string Address, string DataEndpoint = "") : IDcSimMessage;

    /// <summary>
    /// Every partition's actor and data channel endpoint (<see cref="PartitionReady.DataEndpoint"/>), by index: windows go to a peer
    /// directly, over its process's data channel or to its actor, not through sharding.
    /// </summary>
    public sealed record PartitionDirectory(IActorRef[] Partitions, string[] DataEndpoints) : IDcSimMessage;

    /// <summary>
    /// Coordinator -> every partition on the actors' path (partitions not all in the coordinator's process): run window
    /// <paramref name="Window"/> = [<paramref name="Start"/>, <paramref name="End"/>) (checkpointing first when <paramref name="Checkpoint"/>),
    /// then the following windows, decided by every partition alike from what its peers tell it (<see cref="PeerWindow"/>) with the
    /// coordinator's schedule (<paramref name="Latency"/>: the link latencies between partitions, <see cref="WindowSchedule.Latency"/>;
    /// <paramref name="EndTime"/>, <paramref name="ProgressInterval"/>), each ending at
    /// <paramref name="HoldAt"/> at the latest, until the next would start at or after <paramref name="StopAt"/>, the run ends, or a partition
    /// wants to park: asked to (<see cref="ParkStretch"/>) or <paramref name="WallMicroseconds"/> of its own wall time after this arrived.
    /// <paramref name="LastProgress"/>: where progress was last told. The same fields as a <see cref="LocalWindows.Stretch"/>.
    /// </summary>
    public sealed record ReleaseStretch(long Run, long Window, long Start, long End, bool Checkpoint, long HoldAt, long StopAt, long WallMicroseconds,
        long LastProgress, long[] Latency, long EndTime, long ProgressInterval) : IDcSimMessage
    {
        public WindowSchedule Schedule() => new(Latency, EndTime, ProgressInterval);
    }

    /// <summary>
    /// Partition -> every other partition after window <paramref name="Window"/>: the events and parcel pieces it made for the receiver
    /// (after <paramref name="Batches"/> <see cref="EventBatch"/> messages of the same window when they did not fit in one), the earliest event
    /// it holds or sent (<paramref name="NextEventTime"/>) and the earliest it holds (<paramref name="Held"/>: the schedule counts what it
    /// sent only at the partitions linked to it, <see cref="WindowSchedule.Ends"/>), whether it wants the stretch to park after this window,
    /// and its events so far.
    /// </summary>
    public sealed record PeerWindow(long Run, int From, long Window, long NextEventTime, long Held, bool Park, long EventsProcessed, int Batches,
        SimEvent[] Events, ParcelPiece[] Parcels) : IDcSimMessage;

    /// <summary>
    /// Coordinator -> partitions: park the stretch that began with window <paramref name="Stretch"/> as soon as the partitions agree
    /// (a pause, a query, a run-until). One partition wanting it suffices: the others hear it with its next <see cref="PeerWindow"/>.
    /// </summary>
    public sealed record ParkStretch(long Run, long Stretch) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>Partition 0 -> coordinator: window <paramref name="Window"/> starts at <paramref name="Start"/>, progress is due.</summary>
    public sealed record StretchProgressed(long Run, long Window, long Start, long EventsProcessed) : IDcSimMessage;

    /// <summary>
    /// Partition -> coordinator: parked after window <paramref name="Window"/> = [<paramref name="Start"/>, <paramref name="End"/>), every event
    /// of it delivered; the earliest event anywhere, where progress was last told, and this partition's events so far.
    /// </summary>
    public sealed record StretchParked(long Run, int Index, long Window, long Start, long End, long NextEventTime, long LastProgress,
        long EventsProcessed) : IDcSimMessage;

    /// <summary>
    /// Events for the receiving partition created during window <paramref name="Window"/>, and pieces of the parcels sent to its LPs
    /// then (at most <see cref="CheckpointPart.MaxBytes"/> of parcel bytes per batch): what does not fit in the window's <see cref="PeerWindow"/>,
    /// sent ahead of it.
    /// </summary>
    public sealed record EventBatch(long Run, int From, long Window, SimEvent[] Events, ParcelPiece[] Parcels) : IDcSimMessage;

    /// <summary>
    /// Piece <paramref name="Piece"/> of <paramref name="Pieces"/> of the parcel for LP <paramref name="Lp"/> under <paramref name="Key"/>:
    /// a parcel larger than a batch may carry crosses in several, in order, in one window's batches, and is joined before delivery.
    /// </summary>
    public readonly record struct ParcelPiece(int Lp, long Key, int Piece, int Pieces, byte[] Bytes)
    {
        /// <summary>
        /// The pieces of <paramref name="parcels"/> grouped for successive batches, each group at most <see cref="CheckpointPart.MaxBytes"/>
        /// of bytes: pieces in the order the parcels were sent, a parcel's own in order.
        /// </summary>
        public static List<ParcelPiece[]> Split(IReadOnlyList<Parcel> parcels)
        {
            const int max = CheckpointPart.MaxBytes;
            var groups = new List<ParcelPiece[]>();
            var group = new List<ParcelPiece>();
            var bytes = 0;
            foreach (var parcel in parcels)
            {
                var pieces = Math.Max(1, (parcel.Bytes.Length + max - 1) / max);
                for (var i = 0; i < pieces; i++)
                {
                    var piece = new ParcelPiece(parcel.Lp, parcel.Key, i, pieces, parcel.Bytes[(i * max)..Math.Min(parcel.Bytes.Length, (i + 1) * max)]);
                    if (bytes + piece.Bytes.Length > max)
                    {
                        groups.Add([.. group]);
                        group.Clear();
                        bytes = 0;
                    }
                    group.Add(piece);
                    bytes += piece.Bytes.Length;
                }
            }
            if (group.Count > 0) groups.Add([.. group]);
            return groups;
        }

        /// <summary>The parcels the pieces of one window's <paramref name="batches"/> make, each joined from the pieces its sender sent.</summary>
        public static List<Parcel> Join(IEnumerable<EventBatch> batches)
        {
            var parcels = new List<Parcel>();
            var pieces = batches.SelectMany(b => b.Parcels.Select(p => (b.From, Piece: p)));
            foreach (var sent in pieces.GroupBy(x => (x.From, x.Piece.Lp, x.Piece.Key)))
            {
                var parts = sent.Select(x => x.Piece).OrderBy(p => p.Piece).ToList();
                var (from, lp, key) = sent.Key;
                if (parts.Count != parts[0].Pieces || parts.Where((p, i) => p.Piece != i || p.Pieces != parts.Count).Any())
                    throw new InvalidOperationException($"the parcel partition {from} sent to LP {lp} under key {key} arrived as {parts.Count} pieces of {parts[0].Pieces}");
                var joined = new byte[parts.Sum(p => p.Bytes.Length)];
                var at = 0;
                foreach (var p in parts)
                {
                    p.Bytes.CopyTo(joined, at);
                    at += p.Bytes.Length;
                }
                parcels.Add(new Parcel(lp, key, joined));
            }
            return parcels;
        }
    }

    /// <summary>
    /// Coordinator -> every partition of run <paramref name="Run"/> when all live in the coordinator's process: hand the partition to
    /// <paramref name="Windows"/>, whose threads run its windows from now on (no <see cref="ReleaseStretch"/> comes). In one process only:
    /// this and the two messages below are never serialized.
    /// </summary>
    public sealed record JoinLocalWindows(long Run, LocalWindows Windows);

    /// <summary>Local windows -> coordinator: window <paramref name="Window"/> starts at <paramref name="Start"/>, progress is due.</summary>
    public sealed record LocalWindowsProgressed(long Run, long Window, long Start, long EventsProcessed);

    /// <summary>
    /// Local windows -> coordinator: the threads are parked after window <paramref name="Window"/> = [<paramref name="Start"/>,
    /// <paramref name="End"/>), every event delivered; the earliest event anywhere, where progress was last told, and each partition's
    /// events so far.
    /// </summary>
    public sealed record LocalWindowsParked(long Run, long Window, long Start, long End, long NextEventTime, long LastProgress, long[] EventsByPartition);

    /// <summary>The run is over (the partitions are parked, every event delivered): report.</summary>
    public sealed record FinishRun(long Run, long EndTime) : IDcSimMessage;

    /// <summary>A partition's results (see <see cref="Metrics.ResultsCodec"/>), its wall-time split and its process's allocations (<see cref="PartitionStats"/>).</summary>
    public sealed record PartitionReport(long Run, int Index, byte[] Results, long EventsProcessed, long BusyMicroseconds, long WallMicroseconds,
        ProcessMemory Memory = default) : IDcSimMessage
    {
        /// <summary>
        /// The most a report may carry to another process: below the Runner's remoting maximum-frame-size (16 MiB), beyond which
        /// remoting drops a message with only a log line. Packet captures are what can reach it (docs/pcap.md).
        /// </summary>
        public const int MaxRemoteBytes = 15 << 20;
    }

    /// <summary>
    /// How far the current attempt of the run has got. <paramref name="Restart"/> is set on the report that says an
    /// attempt was abandoned after losing a member and the run starts again (its counters are then those of the
    /// recovery point).
    /// </summary>
    public sealed record RunProgress(long SimulatedTime, long EndTime, long Windows, long EventsProcessed, RunRestart? Restart = null) : IDcSimMessage;

    /// <summary>
    /// Cluster member <paramref name="Member"/>, holding partitions <paramref name="Partitions"/>, was lost
    /// (<paramref name="What"/>) when the run had reached simulated time <paramref name="LostAt"/>; the run starts
    /// again from <paramref name="From"/>. This is member loss <paramref name="Loss"/> of at most
    /// <paramref name="MaxLosses"/> that the run recovers from.
    /// </summary>
    public sealed record RunRestart(string Member, string What, int[] Partitions, long LostAt, RecoveryPoint From, int Loss, int MaxLosses);

    /// <summary>
    /// The merged results, and wall-clock figures of the run (never part of the results): building the
    /// partitions, and running the windows from the first grant to the last report.
    /// </summary>
    public sealed record ExperimentCompleted(byte[] Results, long Windows, long Lookahead, PartitionStats[] Partitions,
        long BuildMicroseconds, long RunMicroseconds) : IDcSimMessage;

    /// <param name="Memory">What the partition's process allocated and collected while the partition ran.</param>
    public sealed record PartitionStats(int Index, string Address, long EventsProcessed, long BusyMicroseconds, long WallMicroseconds,
        ProcessMemory Memory = default);

    /// <summary>
    /// The run failed. From a partition, <paramref name="Run"/> is the attempt it failed in: the coordinator drops a failure of an earlier
    /// attempt (a partition still busy with an abandoned one). The coordinator's own, to the client, carries -1.
    /// </summary>
    public sealed record ExperimentFailed(string Reason, long Run = -1) : IDcSimMessage;

    /// <summary>
    /// Client -> coordinator: grant no further window once the current one is done (the run holds at the next barrier, where queries
    /// still answer). A held run's windows, once resumed, are the same as if it had never held: results do not change.
    /// <paramref name="ControlId"/> comes back in the answer (<see cref="RunControlled"/>), as with every control.
    /// </summary>
    public sealed record PauseRun(long ControlId) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>
    /// Client -> coordinator: let the run go on (also when held) and hold it at exactly simulated time <paramref name="Until"/>: the window
    /// that would cross it is cut there, so every event before it is handled and none at or after it; then <see cref="RunHeld"/>, and the
    /// run is paused. Answered with <see cref="RunControlled"/> at once; refused when <paramref name="Until"/> is not after where the run is
    /// (held, or the end of the window under way). At or after the run's end, the run just goes on to the end.
    /// </summary>
    public sealed record RunUntil(long ControlId, long Until) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>
    /// Coordinator -> client: the run holds at a barrier (after <see cref="PauseRun"/> or <see cref="RunUntil"/>) at simulated time
    /// <paramref name="SimulatedTime"/>: every event before it is handled, none at or after it. Directives (<see cref="ApplyDirective"/>)
    /// apply there. <paramref name="Windows"/>: the windows run so far; <paramref name="EventsProcessed"/>: the events handled so far.
    /// </summary>
    public sealed record RunHeld(long SimulatedTime, long Windows, long EventsProcessed) : IDcSimMessage;

    /// <summary>
    /// Client -> coordinator: apply a shell action (<see cref="Directive"/>: <paramref name="Verb"/> and its <paramref name="Arguments"/>)
    /// at the time the run is held at; <paramref name="Id"/>, new for each directive of a run, names what it adds. Answered with
    /// <see cref="DirectiveApplied"/>; refused unless the run is held.
    /// </summary>
    public sealed record ApplyDirective(long Id, string Verb, string[] Arguments) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>
    /// Coordinator -> client: directive <paramref name="Id"/> was applied (<paramref name="Accepted"/>) at simulated time
    /// <paramref name="SimulatedTime"/> (-1 when no run is held), its counters under the component paths <paramref name="Entities"/>;
    /// or not, <paramref name="Detail"/> saying why.
    /// </summary>
    public sealed record DirectiveApplied(long Id, bool Accepted, long SimulatedTime, string Detail, string[] Entities) : IDcSimMessage;

    /// <summary>Coordinator -> every partition of run <paramref name="Run"/>: apply a client's directive at held time <paramref name="Time"/>.</summary>
    public sealed record PartitionDirective(long Run, long Id, long Time, string Verb, string[] Arguments) : IDcSimMessage;

    /// <summary>
    /// Partition -> coordinator: whether one of partition <paramref name="Index"/>'s LPs took directive <paramref name="Id"/>
    /// (<paramref name="Handled"/>) and applied it (<paramref name="Accepted"/>) or refused it (<paramref name="Detail"/>); the partition's
    /// earliest event afterwards (a directive adds events).
    /// </summary>
    public sealed record DirectiveOutcome(long Run, long Id, int Index, bool Handled, bool Accepted, string Detail, string[] Entities, long NextEventTime)
        : IDcSimMessage;

    /// <summary>Client -> coordinator: grant windows again after <see cref="PauseRun"/>.</summary>
    public sealed record ResumeRun(long ControlId) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>
    /// Client -> coordinator: abandon the run. The partitions drop it (<see cref="AbandonRun"/>), the run's client gets
    /// <see cref="ExperimentStopped"/>, and nothing is reported. Also while the partitions are being built: those still building drop the
    /// run once built.
    /// </summary>
    public sealed record StopRun(long ControlId) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>
    /// The coordinator's answer to <see cref="PauseRun"/>, <see cref="ResumeRun"/>, <see cref="RunUntil"/> or <see cref="StopRun"/> of id
    /// <paramref name="ControlId"/> (a client with several controls out matches each answer to its request): whether it was done, and the
    /// run's state afterwards ("paused", "running", "stopped"; "idle" or "finishing" when refused) with a sentence saying why when refused.
    /// </summary>
    public sealed record RunControlled(long ControlId, bool Accepted, string State, string Detail) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>Coordinator -> client: the run was stopped (<see cref="StopRun"/>) at simulated time <paramref name="SimulatedTime"/>; no results.</summary>
    public sealed record ExperimentStopped(long SimulatedTime, long Windows) : IDcSimMessage;

    /// <summary>
    /// Coordinator -> partition <paramref name="Index"/>, through the shard region (as its init went, so it arrives after the init even
    /// while the partition is still being built): run <paramref name="Run"/> was stopped, drop what is built or restored for it.
    /// </summary>
    public sealed record AbandonRun(long Run, int Index) : IDcSimMessage;

    /// <summary>Coordinator -> client: every partition of the attempt is built; the member each runs on, by partition index.</summary>
    public sealed record RunPlaced(string[] Addresses) : IDcSimMessage;

    /// <summary>
    /// Asks for the servers' counters while a run is going on (client -> coordinator -> partitions), and the listings of the components
    /// <paramref name="Listing"/> covers when given (null: counters only, the cheap snapshot every query takes).
    /// </summary>
    public sealed record QueryServers(long QueryId, ListingQuery? Listing = null) : IDcSimMessage, INotInfluenceReceiveTimeout;

    /// <summary>
    /// Counters of the components and links (a <see cref="Metrics.ResultsCodec"/> encoding) at simulated time
    /// <paramref name="SimulatedTime"/>: each partition's own time, the coordinator's answer the earliest of them
    /// (-1 when no run is going on).
    /// </summary>
    public sealed record ServersSnapshot(long QueryId, long SimulatedTime, byte[] Results) : IDcSimMessage, INotInfluenceReceiveTimeout;
}
