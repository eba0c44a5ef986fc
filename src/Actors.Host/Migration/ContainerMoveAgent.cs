using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsNetwork.Links;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The source's side of a container's move (docs/migration.md, "Containers"). At the scenario's time the container stops here: its stack
/// leaves the server's LP and frames still reaching it here are dropped. By restart its process is gone — its pending events with it,
/// the packets among them counted lost — and it goes to the destination's dock at once, to be started there anew. By CRIU it is frozen
/// with its pending events, its memory dumped (freeze + memory ÷ dump rate), the image sent over a TCP connection between the two
/// hosts' stacks, as a VM's memory is, and restored at the destination (namespace set-up + memory ÷ restore rate), connections and all.
/// Either way the stack's state goes to the destination as bytes (<see cref="MigrationParcel"/>), in any partition or process.
/// </summary>
internal sealed class ContainerMoveAgent : Component, ITcpApplication, IMeasuredMigration
{
    /// <summary>The control message from the destination's dock: the restarted container runs there from <c>CreatedAt</c>.</summary>
    public const int Running = 3;

    private const int StartTimer = 0, DumpedTimer = 1;

    private readonly MigrationRequest _request;
    private readonly ContainerMove _move;
    private readonly EndpointStack _hostStack;
    private readonly Action<ulong, long>? _learnBehindUplink;
    private readonly FabricAnnouncer _announcer;
    private readonly DropLedger _killed;
    private readonly MigrationTraffic _traffic = new();
    private TcpConnection? _connection;
    private DepartedVmPort? _departed;
    private DetachedComponents? _frozen;
    private MigrationPhase _phase = MigrationPhase.NotStarted;
    private long _requested, _received;
    private long _startedAt = -1, _stoppedAt = -1, _runsAt = -1;
    private bool _dumped, _handedOver;

    public override string Kind => MigrationResults.Kind;

    /// <param name="learnBehindUplink">The source's VM switch learning the container's MAC behind its uplink (its announcement came in
    /// there); null when the host kernel is wired to the NIC without one.</param>
    public ContainerMoveAgent(string path, MigrationRequest request, ResidentContainer container, EndpointStack hostStack, Action<ulong, long>? learnBehindUplink,
        FabricAnnouncer announcer) : base(path)
    {
        _request = request;
        _move = request.Container!;
        Container = container;
        _hostStack = hostStack;
        _learnBehindUplink = learnBehindUplink;
        _announcer = announcer;
        _killed = new DropLedger($"{path}:killed");
    }

    private ResidentContainer Container { get; }
    public int Destination => _request.ToServer;

    public override void Start() => SetTimer(_request.AtPs, StartTimer);

    /// <summary>Data delivered on the source or the destination at <paramref name="now"/>: before the stop, during the move (to its running again), after.</summary>
    public void Observe(in Packet packet, long now) =>
        _traffic.Record(_startedAt < 0 || now < _startedAt ? 0 : _runsAt >= 0 && now > _runsAt ? 2 : 1, in packet, now);

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        if (timer == DumpedTimer)
        {
            _dumped = true;
            SendImage();
            return;
        }
        _startedAt = Now;
        Tell(MigrationDesk.Started, _startedAt, _announcer.ReachesServer(Owner.Id, Destination, Now));
        StopContainer();
        if (_move.Method == ContainerMoveMethod.Restart)
        {
            HandOver(Now);
            return;
        }
        // The page server's connection opens while the container is frozen and dumped (p.haul and runc open it before the dump).
        var flowId = FlowIds.Make(_hostStack.Address.Id, MigrationStream.Application, _request.Index);
        _connection = _hostStack.Tcp.Connect(Destination, MigrationStream.Port, flowId, this);
        SetTimer(Now + _move.FreezePs + _move.DumpPs, DumpedTimer);
    }

    void ITcpApplication.Connected(TcpConnection connection) => SendImage();

    void ITcpApplication.PeerClosed(TcpConnection connection) => connection.Close();

    /// <summary>The image is written to the stream once it is dumped and the connection is up; an empty image needs no stream.</summary>
    private void SendImage()
    {
        if (!_dumped || _connection!.State != TcpState.Established || _requested > 0 || _handedOver) return;
        if (_move.MemoryBytes == 0)
        {
            Transferred();
            return;
        }
        _requested = _move.MemoryBytes;
        _connection.Write(_requested);
        Tell(MigrationDesk.Expect, _requested, _announcer.ReachesServer(Owner.Id, Destination, Now));
    }

    /// <summary>The stop: the container's stack leaves this LP; its macvlan device now leads to a port that drops what still arrives.</summary>
    private void StopContainer()
    {
        _stoppedAt = Now;
        _phase = MigrationPhase.StopAndCopy;
        var lp = Owner;
        var stack = Container.Stack;
        lp.Disconnect(stack, EndpointStack.NetworkPort);
        // A restarted container's process is killed: what it had pending (its packets among them) never happens.
        if (_move.Method == ContainerMoveMethod.Restart)
            foreach (var e in lp.TakeEventsOf([stack]))
                if (e.Kind == EventKind.Packet) _killed.Drop(e.Packet.FlowId, e.Packet.PayloadBytes);
        _frozen = lp.Detach([stack]);
        _departed = lp.Add(new DepartedVmPort($"{Path}/departed", InFlightPolicy.Drop));
        lp.Connect(Container.Macvlan, CpuHop.PortB, _departed, DepartedVmPort.SwitchSide);
    }

    /// <summary>The image is at the destination: the container runs there once it is restored.</summary>
    private void Transferred()
    {
        _connection!.Close();
        HandOver(Now + _move.RestorePs(Container.Runtime.NetnsSetupPs));
    }

    /// <summary>
    /// The container's state leaves for the destination's dock, due there at <paramref name="arrival"/> — no sooner than a message from
    /// here could reach it (a restart's order to start it there takes that long).
    /// </summary>
    private void HandOver(long arrival)
    {
        _handedOver = true;
        arrival = Math.Max(arrival, _announcer.ReachesServer(Owner.Id, Destination, Now));
        if (_move.Method == ContainerMoveMethod.Criu) RunsAt(arrival);
        Container.Stack.DeliveryObserver = null;
        Owner.SendParcel(Destination, _request.Index, MigrationParcel.Pack(_frozen!, Owner));
        _frozen = null;
        Tell(MigrationDesk.Arrive, 0, arrival);
    }

    /// <summary>Tells the destination's desk <paramref name="code"/> at <paramref name="at"/>.</summary>
    private void Tell(int code, long value, long at)
    {
        var notice = new MigrationNotice(_request.Index, value, Owner.Id, Index).ToPacket();
        Owner.SendControl(Destination, at, MigrationDesk.At, checked((ushort)code), in notice);
    }

    /// <summary>The container runs at the destination from <paramref name="time"/> (a restart's is known when it is started there).</summary>
    private void RunsAt(long time)
    {
        _runsAt = time;
        _phase = MigrationPhase.Completed;
    }

    public override void OnControl(int code, in Packet details)
    {
        switch (code)
        {
            case MigrationAgent.Delivered:
                _received = details.CreatedAt;
                if (_received >= _requested && !_handedOver) Transferred();
                break;
            case Running:
                RunsAt(details.CreatedAt);
                break;
            case MigrationAgent.Announced:
                // The announcement came in through the uplink: the source's switch sends the container's frames that way now.
                _learnBehindUplink?.Invoke(Container.Mac, Now);
                break;
            default:
                base.OnControl(code, in details);
                break;
        }
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _killed.Report(results);
        // A container stopped when the run ends is in no server: its results are reported from here (once on its way, by the destination).
        _frozen?.Report(results, endTime);
        _traffic.Report(results, _request.Index);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters[MigrationResults.Index] = _request.Index;
        counters[MigrationResults.Entity] = Container.Entity;
        counters[MigrationResults.From] = Owner.Id;
        counters[MigrationResults.To] = Destination;
        counters[MigrationResults.Phase] = (long)_phase;
        counters[MigrationResults.Method] = (long)_move.Method + 1;
        counters[MigrationResults.RequestedPs] = _request.AtPs;
        counters[MigrationResults.StartPs] = _startedAt;
        counters[MigrationResults.StopPs] = _stoppedAt;
        counters[MigrationResults.EndPs] = _runsAt;
        counters[MigrationResults.Rounds] = 0;
        counters[MigrationResults.PreCopyBytes] = 0;
        // The image crosses once, while the container is stopped.
        counters[MigrationResults.StopAndCopyBytes] = _requested;
        counters[MigrationResults.DowntimePs] = _runsAt < 0 ? 0 : _runsAt - _stoppedAt;
        counters[MigrationResults.Reason] = -1;
        counters[MigrationResults.StreamBytesReceived] = _received;
        counters[MigrationResults.UnpluggedPackets] = _killed.Packets;
        counters[MigrationResults.DroppedAtSource] = _departed?.Dropped ?? 0;
        counters[MigrationResults.ForwardedFromSource] = 0;
        counters[MigrationResults.HandedOver] = _handedOver ? 1 : 0;
    }
}
