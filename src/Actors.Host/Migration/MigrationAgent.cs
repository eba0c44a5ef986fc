using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The source hypervisor's side of one live migration (the QEMU or Xen process that sends the VM): at the scenario's time it opens a
/// TCP connection from the host's stack to the destination host's, and runs the <see cref="PreCopyMigration"/> over it — each round's
/// bytes written to the socket, at most at <see cref="MigrationSettings.MaxBandwidth"/>, and delivered when the destination has
/// read all of them (its <see cref="MigrationDesk"/> says so, a message back over the fabric). At the stop decision the VM stops: its vNIC
/// is unplugged (frames inside it are lost) and its guest leaves the server with its pending events; when the last bytes are in, its state
/// goes to the destination as bytes (<see cref="MigrationParcel"/>), to run there after the resume delay — the destination may be in
/// another partition or process.
/// A bonded VF is hot-unplugged first (the guest fails over to its virtio NIC), as a VM with a pass-through device cannot migrate.
/// </summary>
internal sealed class MigrationAgent : Component, ITcpApplication, IMigrationChannel, IMeasuredMigration
{
    /// <summary>The control message: the VM's announcement from its destination reached this server.</summary>
    public const int Announced = 1;
    /// <summary>The control message: everything asked of the stream so far (<c>CreatedAt</c> bytes) is at the destination (from its desk).</summary>
    public const int Delivered = 2;

    /// <summary>QEMU's rate limiter allows max-bandwidth × 100 ms per 100 ms (<c>BUFFER_DELAY</c>, migration/migration.c).</summary>
    public static readonly long RateWindowPs = 100 * SimTime.Millisecond;

    private const int StartTimer = 0, PaceTimer = 1;

    private readonly MigrationRequest _request;
    private readonly ResidentVm _vm;
    private readonly EndpointStack _hostStack;
    private readonly HostSwitch _hostSwitch;
    private readonly MigrationHandoff _handoff;
    private readonly FabricAnnouncer _announcer;
    private readonly long _linkBitsPerSecond;
    private readonly ILiveMigration _migration;
    private readonly DropLedger _unplugged;
    private TcpConnection? _connection;
    private DepartedVmPort? _departed;
    /// <summary>The stopped VM's guest, until its state leaves for the destination.</summary>
    private DetachedComponents? _frozen;
    private long _requested, _written, _received, _windowStart, _windowWritten;
    private bool _awaiting, _handedOver, _unpluggedVf, _endTold;
    private long _startedAt = -1, _stoppedAt = -1;
    private readonly MigrationTraffic _traffic = new();

    public override string Kind => MigrationResults.Kind;

    public MigrationAgent(string path, MigrationRequest request, ResidentVm vm, EndpointStack hostStack, HostSwitch hostSwitch,
        MigrationHandoff handoff, FabricAnnouncer announcer, int sourceHost, long linkBitsPerSecond) : base(path)
    {
        _announcer = announcer;
        _request = request;
        _vm = vm;
        _hostStack = hostStack;
        _hostSwitch = hostSwitch;
        _handoff = handoff;
        _linkBitsPerSecond = linkBitsPerSecond;
        // The destination cannot resume the VM before the end of the stream could reach it: a shorter resume delay is raised to the
        // idle path between the two servers (a few microseconds; also what lets the VM's state cross partitions within the lookahead).
        var idlePath = announcer.ReachesServer(sourceHost, request.ToServer, 0);
        _migration = (request.Settings with { ResumeDelay = Math.Max(request.Settings.ResumeDelay, idlePath) }).Create(vm.Memory, this);
        _unplugged = new DropLedger($"{path}:unplugged");
    }

    private long CapBytesPerWindow =>
        _request.Settings.MaxBandwidth.BitsPerSecond is > 0 and var cap && cap < _linkBitsPerSecond
            ? (long)((Int128)cap * RateWindowPs / 8 / SimTime.Second)
            : 0;

    public MigrationRequest Request => _request;

    public MigrationPhase Phase => _migration.Phase;

    /// <summary>The VM's state has left for the destination: it is no longer this server's.</summary>
    public bool HandedOver => _handedOver;

    /// <summary>The migration that waits for this one (the next VM of an evacuation), or -1.</summary>
    public int Successor { get; init; } = -1;

    public override void Start()
    {
        if (_request.After < 0) SetTimer(_request.AtPs, StartTimer);
    }

    /// <summary>The migration this one waits for is over (its VM resumes at <paramref name="time"/>, or it was aborted): start then.</summary>
    private void Follow(long time) => SetTimer(Math.Max(time, _request.AtPs), StartTimer);

    private void ReleaseSuccessor(long time)
    {
        if (Successor >= 0) _handoff.AgentOf(Successor).Follow(time);
    }

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        if (timer == PaceTimer)
        {
            Pump();
            return;
        }
        _startedAt = Now;
        if (_vm.Bond is { VfPlugged: true } bond)
        {
            bond.DetachVf();
            _unpluggedVf = true;
        }
        if (_request.Directed) Tell(MigrationDesk.Prepare, _vm.Entity);
        Tell(MigrationDesk.Started, _startedAt);
        var flowId = FlowIds.Make(_hostStack.Address.Id, MigrationStream.Application, _request.Index);
        _connection = _hostStack.Tcp.Connect(_request.ToServer, MigrationStream.Port, flowId, this);
    }

    /// <summary>Tells the destination's desk <paramref name="code"/>, when a message from here reaches it.</summary>
    private void Tell(int code, long value, long? at = null)
    {
        var notice = new MigrationNotice(_request.Index, value, Owner.Id, Index).ToPacket();
        var desk = _request.Directed ? MigrationDesk.Anywhere : MigrationDesk.At;
        Owner.SendControl(_request.ToServer, at ?? _announcer.ReachesServer(Owner.Id, _request.ToServer, Now), desk, checked((ushort)code), in notice);
    }

    void ITcpApplication.Connected(TcpConnection connection)
    {
        _windowStart = Now;
        _migration.Start(Now);
        Advance(connection);
    }

    void IMigrationChannel.Send(long bytes)
    {
        _requested += bytes;
        _awaiting = true;
        Tell(MigrationDesk.Expect, _requested);
        Pump();
    }

    /// <summary>Writes what the rate limiter allows of what the migration asked for; the rest waits for the next window.</summary>
    private void Pump()
    {
        var cap = CapBytesPerWindow;
        var due = _requested - _written;
        if (due <= 0) return;
        if (cap > 0)
        {
            if (Now >= _windowStart + RateWindowPs)
            {
                _windowStart += (Now - _windowStart) / RateWindowPs * RateWindowPs;
                _windowWritten = 0;
            }
            due = Math.Min(due, cap - _windowWritten);
            _windowWritten += due;
        }
        if (due > 0)
        {
            _connection!.Write(due);
            _written += due;
        }
        if (_written < _requested) SetTimer(_windowStart + RateWindowPs, PaceTimer);
    }

    /// <summary>
    /// A data packet was delivered on the source server at <paramref name="now"/> (not the migration's own stream): its latency counts
    /// before the migration started, during it (to the VM's resumption), or after. The destination's desk measures its own.
    /// </summary>
    public void Observe(in Packet packet, long now)
    {
        var period = _startedAt < 0 || now < _startedAt ? 0 : _migration.Outcome is { } o && now > Math.Max(o.End, _migration.ResumeAt ?? 0) ? 2 : 1;
        _traffic.Record(period, in packet, now);
    }

    private void OnDelivered(long total)
    {
        _received = total;
        if (!_awaiting || _received < _requested) return;
        _awaiting = false;
        _migration.Delivered(Now);
        Advance(_connection!);
    }

    /// <summary>Does what the migration's new phase calls for: stop the VM, send it on its way, close the stream.</summary>
    private void Advance(TcpConnection connection)
    {
        if (_migration.Phase is MigrationPhase.StopAndCopy or MigrationPhase.PostCopy or MigrationPhase.Completed && _stoppedAt < 0) StopVm();
        if (_migration.ResumeAt is { } resumeAt && !_handedOver) HandOver(resumeAt);
        // The destination measures its traffic "after" from the same moment the source does.
        if (_migration.Outcome is { } o && !_endTold)
        {
            _endTold = true;
            Tell(MigrationDesk.Ended, Math.Max(o.End, _migration.ResumeAt ?? 0));
        }
        if (_migration.Phase == MigrationPhase.Completed) connection.Close();
        else if (_migration.Phase == MigrationPhase.Aborted)
        {
            connection.Close();
            ReleaseSuccessor(Now);
            // The VM stays: it gets back the VF the migration took from it.
            if (_unpluggedVf) _vm.Bond!.AttachVf();
        }
    }

    void ITcpApplication.PeerClosed(TcpConnection connection) => connection.Close();

    /// <summary>The stop-and-copy begins: the VM stops running here; frames for it find its port empty.</summary>
    private void StopVm()
    {
        _stoppedAt = Now;
        var lp = Owner;
        var (vmSwitch, port) = _vm.SwitchPort;
        lp.Disconnect(vmSwitch, port);
        lp.Disconnect(_vm.GuestUplink.Component, _vm.GuestUplink.Port);
        // Whatever else the vNIC side is wired to (a bonded VF's driver to the NIC) is unplugged as well.
        foreach (var c in _vm.Attachment)
            foreach (var (p, peer, _) in lp.WiresOf(c).ToList())
                if (!_vm.Attachment.Contains(peer)) lp.Disconnect(c, p);
        foreach (var e in lp.TakeEventsOf(_vm.Attachment))
            if (e.Kind == SimCore.Kernel.EventKind.Packet) _unplugged.Drop(e.Packet.FlowId, e.Packet.PayloadBytes);
        // The guest is frozen: its pending events go with it and happen at the destination.
        _frozen = lp.Detach(_vm.Guest);
        _departed = lp.Add(new DepartedVmPort($"{Path}/departed", _request.Settings.InFlight));
        lp.Connect(vmSwitch, port, _departed, DepartedVmPort.SwitchSide);
    }

    /// <summary>
    /// What the VM needs to run is in: its state leaves as bytes for the destination (its vNIC side, its observer stay here), where it
    /// runs at <paramref name="resumeAt"/>.
    /// </summary>
    private void HandOver(long resumeAt)
    {
        ReleaseSuccessor(resumeAt);
        foreach (var stack in _vm.Guest.OfType<EndpointStack>()) stack.DeliveryObserver = null;
        _vm.LeaveVnicBehind();
        Owner.SendParcel(_request.ToServer, _request.Index, MigrationParcel.Pack(new VmInTransit(_frozen!, _vm), Owner));
        _frozen = null;
        _handedOver = true;
        Tell(MigrationDesk.Arrive, resumeAt, at: resumeAt);
    }

    public override void OnControl(int code, in Packet details)
    {
        switch (code)
        {
            case Delivered:
                OnDelivered(details.CreatedAt);
                break;
            case Announced:
                OnAnnounced(in details);
                break;
            default:
                base.OnControl(code, in details);
                break;
        }
    }

    private void OnAnnounced(in Packet details)
    {
        // The RARP came in through the uplink: the switch sends the VM's frames that way now.
        foreach (var mac in _vm.Macs) _hostSwitch.Learn(mac, _hostSwitch.UplinkPort, Now);
        var destination = details.DestinationEndpoint;
        // Forwarded frames take the idle path's time to the destination's NIC (they do not queue: a simplification).
        _departed?.Release(packet => Owner.SendPacket(destination, _announcer.ReachesServer(Owner.Id, destination, Owner.Now),
            FabricBuilder.ServerNic, FabricBuilder.ServerNicWirePort, in packet));
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _unplugged.Report(results);
        // A VM stopped when the run ends is in no server: its results are reported from here (once on its way, by the destination).
        _frozen?.Report(results, endTime);
        _traffic.Report(results, _request.Index);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        var o = _migration.Outcome;
        counters[MigrationResults.Index] = _request.Index;
        counters[MigrationResults.Entity] = _vm.Entity;
        counters[MigrationResults.From] = Owner.Id;
        counters[MigrationResults.To] = _request.ToServer;
        counters[MigrationResults.Phase] = (long)_migration.Phase;
        counters[MigrationResults.RequestedPs] = _request.AtPs;
        counters[MigrationResults.StartPs] = _startedAt;
        counters[MigrationResults.StopPs] = _stoppedAt;
        counters[MigrationResults.EndPs] = o?.End ?? -1;
        // As they stand: a run may end in the middle of a migration.
        counters[MigrationResults.Rounds] = _migration.RoundBytes.Count;
        counters[MigrationResults.PreCopyBytes] = _migration.RoundBytes.Sum();
        counters[MigrationResults.StopAndCopyBytes] = _migration.StopAndCopyBytes;
        counters[MigrationResults.DowntimePs] = o?.Downtime ?? 0;
        counters[MigrationResults.Reason] = _migration.StopReason is { } reason ? (long)reason : -1;
        counters[MigrationResults.StreamBytesReceived] = _received;
        counters[MigrationResults.UnpluggedPackets] = _unplugged.Packets;
        counters[MigrationResults.DroppedAtSource] = _departed?.Dropped ?? 0;
        counters[MigrationResults.ForwardedFromSource] = _departed?.Forwarded ?? 0;
        counters[MigrationResults.HandedOver] = _handedOver ? 1 : 0;
    }
}
