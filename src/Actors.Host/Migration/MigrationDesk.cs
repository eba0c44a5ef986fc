using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// A destination server's side of the moves that come to it (QEMU's incoming migration, CRIU's page server), at a component index every
/// server knows (<see cref="At"/>), so that a source in another partition or process can address it: it reads the migration streams,
/// tells each source when all it asked to send is in (<see cref="MigrationAgent.Delivered"/>, a message back over the fabric), takes
/// arriving VMs and containers to their docks, and measures the traffic this server delivers around each move.
/// </summary>
/// <remarks>
/// The source states in the stream how much it sent (<see cref="Expect"/>, QEMU's end-of-section marks): the message travels the idle
/// path, never later than the bytes it counts, so the destination hears "all in" exactly when the last byte is read, and the source hears
/// it one path later — the same on one partition or many.
/// </remarks>
internal sealed class MigrationDesk(string path, int server, FabricAnnouncer announcer) : Component(path), ITcpApplication, IMeasuredMigration
{
    public override string Kind => "migration-desk";

    /// <summary>The desk's component index on every server that moves arrive at: right after the NIC.</summary>
    public const ushort At = 1;

    /// <summary>A VM's migration started at the source at <c>CreatedAt</c>.</summary>
    public const int Started = 1;
    /// <summary>The stream will have carried <c>CreatedAt</c> bytes in all once what the source asked so far is in.</summary>
    public const int Expect = 2;
    /// <summary>Migration <c>Sequence</c>'s VM or container arrives (its state came ahead as a parcel, <see cref="MigrationParcel"/>).</summary>
    public const int Arrive = 3;
    /// <summary>A VM's migration is over (resumed here, or aborted): the traffic after <c>CreatedAt</c> is "after".</summary>
    public const int Ended = 4;
    /// <summary>
    /// A directive's migration <c>Sequence</c> of VM <c>CreatedAt</c> starts: its first message, to <see cref="Anywhere"/>, which makes the
    /// desk and the dock if the server has none and keeps a port and cores for the VM (<see cref="DirectedMigrations"/>).
    /// </summary>
    public const int Prepare = 5;

    /// <summary>
    /// Where a directive's migration addresses the destination's desk (not an index: a desk made while the run goes on is wherever it
    /// was added); the server hands such messages to its <see cref="DirectedMigrations"/>.
    /// </summary>
    public const ushort Anywhere = ushort.MaxValue;

    private readonly SortedDictionary<int, IncomingMove> _moves = [];
    /// <summary>The moves into this server, whose traffic is measured here from the start of the run.</summary>
    private readonly List<IncomingMove> _measured = [];

    public VmDock? Vms { get; set; }
    public ContainerDock? Containers { get; set; }

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    public override void OnControl(int code, in Packet details)
    {
        var notice = MigrationNotice.Read(in details);
        var move = MoveOf(notice.Migration, notice);
        switch (code)
        {
            case Started:
                move.StartedAt = notice.Value;
                break;
            case Expect:
                move.Expected = Math.Max(move.Expected, notice.Value);
                Acknowledge(notice.Migration, move);
                break;
            case Ended:
                move.AfterFrom = notice.Value;
                break;
            case Arrive when Vms is not null && Vms.Expects(notice.Migration):
                Vms.Arrive(notice.Migration, move.SourceServer, move.SourceAgent);
                break;
            case Arrive:
                (Containers ?? throw new InvalidOperationException($"{Path}: migration {notice.Migration} arrived at a server without a dock for it"))
                    .Arrive(notice.Migration, move.SourceServer, move.SourceAgent);
                break;
            default:
                base.OnControl(code, in details);
                break;
        }
    }

    /// <summary>The move <paramref name="migration"/> ended here at <paramref name="at"/> (a container runs): the traffic after it is "after".</summary>
    public void Ends(int migration, long at) => MoveOf(migration, MigrationNotice.None).AfterFrom = at;

    /// <summary>Move <paramref name="migration"/> (a VM's or a container's) comes here: the traffic this server delivers is measured around it.</summary>
    public void Measure(int migration)
    {
        var move = MoveOf(migration, MigrationNotice.None);
        move.Measured = true;
        _measured.Add(move);
    }

    private IncomingMove MoveOf(int migration, MigrationNotice from)
    {
        if (!_moves.TryGetValue(migration, out var move)) _moves[migration] = move = new IncomingMove();
        if (from.SourceServer >= 0) (move.SourceServer, move.SourceAgent) = (from.SourceServer, from.SourceAgent);
        return move;
    }

    void ITcpApplication.Received(TcpConnection connection, long bytes)
    {
        var migration = MigrationStream.MigrationOf(connection);
        var move = MoveOf(migration, MigrationNotice.None);
        move.Received += bytes;
        Acknowledge(migration, move);
    }

    void ITcpApplication.PeerClosed(TcpConnection connection) => connection.Close();

    /// <summary>Everything the source has said it sent is in: it hears so when a message from here would reach it.</summary>
    private void Acknowledge(int migration, IncomingMove move)
    {
        if (move.Received < move.Expected || move.Expected <= move.Acknowledged || move.SourceServer < 0) return;
        move.Acknowledged = move.Expected;
        var delivered = new Packet { Sequence = migration, CreatedAt = move.Expected };
        Owner.SendControl(move.SourceServer, announcer.ReachesServer(server, move.SourceServer, Now), move.SourceAgent, MigrationAgent.Delivered, in delivered);
    }

    /// <summary>The latency of data delivered here, for the moves into this server (before, during, after each as this server knows it).</summary>
    public void Observe(in Packet packet, long now)
    {
        foreach (var move in _measured)
            move.Traffic.Record(move.StartedAt < 0 || now < move.StartedAt ? 0 : move.AfterFrom >= 0 && now > move.AfterFrom ? 2 : 1, in packet, now);
    }

    /// <summary>Also the VMs and containers still on their way here when the run ends: they are in no server, their results are reported from here.</summary>
    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var (migration, move) in _moves)
            if (move.Measured) move.Traffic.Report(results, migration);
        Vms?.ReportInTransit(results, endTime);
        Containers?.ReportInTransit(results, endTime);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now) => counters["moves_incoming"] = _moves.Count;

    private sealed class IncomingMove
    {
        public int SourceServer = -1;
        public ushort SourceAgent;
        public long Expected, Received, Acknowledged;
        public long StartedAt = -1, AfterFrom = -1;
        public bool Measured;
        public readonly MigrationTraffic Traffic = new();
    }
}
