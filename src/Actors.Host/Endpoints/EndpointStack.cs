using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Shell;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>Hears that <paramref name="packet"/> was delivered at <paramref name="now"/>.</summary>
internal delegate void DeliveryObserver(in Packet packet, long now);

/// <summary>Where an endpoint's kernel work runs and what it costs: a server's core, or a VM's vCPUs.</summary>
/// <param name="Processor">The cores (or vCPUs) the stack's work runs on.</param>
/// <param name="Kernel">The category of the kernel's work: host-kernel, or guest-kernel inside a VM.</param>
/// <param name="User">The category of the applications' work: host-user on bare metal, guest-user in a VM or a container.</param>
internal sealed record StackPlacement(Processor Processor, CpuCategory Kernel, CpuCategory User);

/// <summary>
/// The network stack of one endpoint — a bare-metal host's kernel, a VM's guest kernel, a container's view of the kernel
/// it shares — and the applications on it: its traffic generators and the server side of request/response. Port 0
/// faces the network (the NIC, a switch port, a veth, the kernel's router).
/// </summary>
/// <remarks>
/// Sending costs the stack's send step on its processor and the packet leaves when that work completes; a received
/// packet costs the receive step (interrupt to the copy to user) and the application's work, and reaches the
/// application when they complete (an internal hop, so that the packet is in transit meanwhile). With free costs
/// both are direct. A packet that finds the stack's core backlog full, sent or received, is dropped at "PATH:backlog". The stack has a lifecycle (<see cref="EndpointLifecycle"/>): before it runs and after it stops, its
/// applications send nothing and packets reaching it are dropped at "PATH:down". Timers: 0 is "a request's service
/// time is over" (carrying the request), 1 the lifecycle, 2 a slice of CPU load, 3 a TCP connection's (token: the connection), 4 an
/// application's one-off callback (token: the callback); application i's are 5 + 2i (fire) and 6 + 2i (on/off toggle). TCP segments go through
/// the same send and receive work, with TSO and GRO sparing the per-packet part of a connection's back-to-back segments (<see cref="TcpLayer"/>).
/// </remarks>
internal sealed class EndpointStack : Component, IEndpoint, ITcpStackPort
{
    public const int NetworkPort = 0;
    private const int DeliverPort = 1;
    private const int ServiceDoneTimer = 0;
    private const int LifecycleTimer = 1;
    private const int LoadTimer = 2;
    private const int TcpTimer = 3;
    private const int CallbackTimer = 4;
    private const int FirstAppTimer = 5;

    private readonly EndpointDirectory _directory;
    private readonly TrafficGenerator[] _generators;
    /// <summary>The udp-rr clients here, by generator index: the responses they wait for end their transactions. Null without any.</summary>
    private readonly Dictionary<int, UdpRrGenerator>? _closedLoops;
    private readonly IReadOnlyList<GeneratorSettings> _allGenerators;
    private readonly ulong _seed;
    // Not readonly: a struct changed in place (FlowAccounting).
    private FlowAccounting _flows;
    private StackPlacement _placement;
    private readonly StackCosts _costs;
    private readonly EndpointLifecycle _lifecycle;
    private readonly bool _free;
    // Made by the first request and the first drop of each kind: most of 100,000 idle VMs never see one (docs/benchmarks.md).
    private ResponseServer? _server;
    private readonly TcpContext _tcpContext;
    private TcpLayer? _tcp;
    private DropLedger? _down, _backlog, _notForMe;
    private TcpServerApplications? _tcpServers;
    private Dictionary<int, Action>? _callbacks;
    private int _nextCallback;
    /// <summary>The shell's pings from here, by source port: their echoes end their requests. Null without any.</summary>
    private Dictionary<ushort, ShellPing>? _pings;

    public EndpointStack(string path, string kind, EndpointAddress address, EndpointDirectory directory, IReadOnlyList<GeneratorSettings> generators,
        Func<GeneratorSettings, bool> runsHere, ulong seed, StackPlacement placement, StackCosts costs, EndpointLifecycle lifecycle, TcpContext tcp)
        : base(path, kind)
    {
        _tcpContext = tcp;
        Address = address;
        _directory = directory;
        _placement = placement;
        _costs = costs;
        _free = costs.IsFree;
        _lifecycle = lifecycle;
        StopsAt = lifecycle.StopAt;
        _allGenerators = generators;
        _seed = seed;
        var apps = new List<TrafficGenerator>();
        foreach (var g in generators.Where(runsHere))
        {
            var app = TrafficGenerator.Create(this, apps.Count, g, directory.Count, seed);
            apps.Add(app);
            if (app is UdpRrGenerator loop) (_closedLoops ??= [])[g.Index] = loop;
        }
        _generators = [.. apps];
    }

    /// <summary>The server side of request/response here; its random stream depends only on the seed and the endpoint, not on when it is made.</summary>
    private ResponseServer Server => _server ??= new ResponseServer(this, _allGenerators, _seed);

    public EndpointAddress Address { get; }

    /// <summary>This endpoint's TCP, made by its first connection or SYN: most of 100,000 idle VMs never have one.</summary>
    public TcpLayer Tcp => _tcp ??= new TcpLayer(this, _tcpContext.Settings);

    public TcpContext TcpContext => _tcpContext;

    long IEndpoint.Now => Now;

    long ITcpStackPort.Now => Now;

    public bool IsRunning => _lifecycle.IsRunning;

    /// <summary>The lifecycle's stop time, kept here: every packet a generator sends reads it (a cold object less per packet).</summary>
    public long StopsAt { get; }

    public EndpointLifecycle Lifecycle => _lifecycle;

    public EndpointAddress Resolve(int endpoint) => _directory[endpoint];

    public (EndpointAddress Address, ushort Port) Reach(int endpoint, ushort port) => _directory.Reach(endpoint, port, PacketHeaders.Udp);

    public (EndpointAddress Address, ushort Port) ReachTcp(int endpoint, ushort port) => _directory.Reach(endpoint, port, PacketHeaders.Tcp);

    public void SendSegment(in Packet segment, int generator, bool dataBurstContinues) =>
        Send(in segment, FlowKindOf(generator), dataBurstContinues);

    public void SetTcpTimer(long at, int token) => SetTimer(at, TcpTimer, token);

    public ITcpApplication? Accept(ushort port)
    {
        if (port == MigrationStream.Port) return MigrationReceiver;
        if (port == ShellApplications.IperfPort && _lifecycle.IsRunning) return (_tcpServers ??= new TcpServerApplications(this)).Accept(null);
        var generator = port - TcpApplications.FirstServicePort;
        if (!_lifecycle.IsRunning || generator < 0 || generator >= _allGenerators.Count || !TcpApplications.IsTcp(_allGenerators[generator].Kind)) return null;
        return (_tcpServers ??= new TcpServerApplications(this)).Accept(_allGenerators[generator]);
    }

    /// <summary>Told of every data packet delivered here (a migration measuring the traffic around it); null: nobody listens.</summary>
    public DeliveryObserver? DeliveryObserver { get; set; }

    /// <summary>What reads incoming live migrations on a host that VMs migrate to (<see cref="MigrationStream.Port"/>); null elsewhere.</summary>
    public ITcpApplication? MigrationReceiver { get; set; }

    /// <summary>The kind a flow of <paramref name="generator"/> (a request's, or its reverse direction's) is counted as.</summary>
    private GeneratorKind FlowKindOf(int generator) =>
        generator < _allGenerators.Count ? _allGenerators[generator].Kind
        : generator == MigrationStream.Application ? GeneratorKind.Migration
        : generator == ShellApplications.Iperf ? GeneratorKind.ShellIperf
        : GeneratorKind.RequestResponse;

    public override void Start()
    {
        if (_lifecycle.RunsFromStart) StartApplications();
        else SetTimer(_lifecycle.CreateAt, LifecycleTimer, (int)LifecycleStep.Create);
    }

    public void Send(in Packet packet, GeneratorKind kind) => Send(in packet, kind, dataBurstContinues: false);

    /// <param name="dataBurstContinues">A TCP data segment that continues a TSO super-segment: the stack's per-packet work was paid for its first.</param>
    private void Send(in Packet packet, GeneratorKind kind, bool dataBurstContinues)
    {
        _flows.Sent(in packet, kind);
        if (_free)
        {
            Emit(NetworkPort, in packet);
            return;
        }
        // The application sends from the CPU it runs on, where its conversation's packets arrive (a symmetric key).
        var steer = packet.Headers.SymmetricHash();
        if (_placement.Processor.Overloaded(Now, steer))
        {
            // The socket's send buffer is full behind a saturated core: the datagram is lost here, as sendto() drops it.
            (_backlog ??= new DropLedger($"{Path}:backlog")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var cost = dataBurstContinues ? _costs.Send with { CyclesPerPacket = 0 } : _costs.Send;
        var done = _placement.Processor.Run(Now, cost, packet.PayloadBytes, _placement.Kernel, steer);
        if (done == Now) Emit(NetworkPort, in packet);
        else EmitAt(done, NetworkPort, in packet);
    }

    public void At(long time, Action action)
    {
        var token = _nextCallback++;
        (_callbacks ??= [])[token] = action;
        SetTimer(time, CallbackTimer, token);
    }

    /// <summary>The source port the next ping from here takes (past <see cref="ushort.MaxValue"/>: no more pings).</summary>
    public int NextPingPort => ShellApplications.FirstPingPort + (_pings?.Count ?? 0);

    /// <summary>Starts the shell's <paramref name="ping"/> from here (its port is <see cref="NextPingPort"/>).</summary>
    public void StartPing(ShellPing ping)
    {
        (_pings ??= [])[ping.Port] = ping;
        ping.Start();
    }

    public void SetAppTimer(long time, int app, AppTimer timer, int epoch) => SetTimer(time, FirstAppTimer + 2 * app + (int)timer, epoch);

    public override void Receive(int port, in Packet packet)
    {
        if (packet.DestinationEndpoint != Address.Id)
        {
            // A frame a bridge flooded to every port: the interface's address filter drops it.
            (_notForMe ??= new DropLedger($"{Path}:not-for-me")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (!_lifecycle.IsRunning)
        {
            (_down ??= new DropLedger($"{Path}:down")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (port == DeliverPort || _free)
        {
            Deliver(in packet);
            return;
        }
        var p = _placement.Processor;
        var steer = packet.Headers.SymmetricHash();
        if (p.Overloaded(Now, steer))
        {
            (_backlog ??= new DropLedger($"{Path}:backlog")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var (receive, app) = (_costs.Receive, _costs.App);
        if (packet.Headers.Protocol == PacketHeaders.Tcp)
        {
            // GRO merges a connection's back-to-back segments into one for the stack and one read for the application; a pure ACK wakes no application.
            if (Tcp.CoalescesOnReceive(in packet)) (receive, app) = (receive with { CyclesPerPacket = 0 }, app with { CyclesPerPacket = 0 });
            if (packet.PayloadBytes == 0) app = StepCost.Free;
        }
        var done = p.Run(Now, receive, packet.PayloadBytes, _placement.Kernel, steer);
        done = p.Run(done, app, packet.PayloadBytes, _placement.User, steer, newItem: false);
        if (done == Now) Deliver(in packet);
        else ReceiveAt(done, DeliverPort, in packet);
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        switch (timer)
        {
            case ServiceDoneTimer:
                if (_lifecycle.IsRunning)
                    foreach (var p in Server.Respond(in carried, Now)) Send(in p, GeneratorKind.RequestResponse);
                return;
            case LifecycleTimer:
                OnLifecycle((LifecycleStep)token);
                return;
            case LoadTimer:
                RunLoadSlice();
                return;
            case TcpTimer:
                _tcp?.OnTimer(token);
                return;
            case CallbackTimer:
                if (_callbacks!.Remove(token, out var action)) action();
                return;
        }
        var app = _generators[(timer - FirstAppTimer) / 2];
        if ((AppTimer)((timer - FirstAppTimer) % 2) == AppTimer.Fire) app.OnFire(token);
        else app.OnToggle(token);
    }

    /// <summary>The kernel this endpoint runs in (its VM) is up: a start that waited for it can go on.</summary>
    public void KernelStarted(long now)
    {
        if (_lifecycle.KernelStarted(now) is { } runningAt) SetTimer(runningAt, LifecycleTimer, (int)LifecycleStep.Running);
    }

    /// <summary>The endpoint moved to another server (a container's move): its work runs on <paramref name="processor"/> from now on.</summary>
    public void MoveTo(Processor processor) => _placement = _placement with { Processor = processor };

    /// <summary>
    /// Started anew (a container restarted on another server, its old process gone with its pending events): its connections are
    /// abandoned (a peer's next segment finds no socket and gets a reset), and at <paramref name="runningAt"/> its applications start over,
    /// opening new connections. Returns whether it runs again: a start that would end after its stop time is cut short then.
    /// </summary>
    public bool Restart(long runningAt)
    {
        _lifecycle.Restarted(Now);
        _tcp?.Abandon();
        var runs = runningAt < _lifecycle.StopAt;
        SetTimer(runs ? runningAt : _lifecycle.StopAt, LifecycleTimer, (int)(runs ? LifecycleStep.Running : LifecycleStep.Stop));
        return runs;
    }

    /// <summary>The kernel this endpoint runs in (its VM) shut down: so does the endpoint.</summary>
    public void KernelStopped() => Stop();

    private void Stop()
    {
        if (_lifecycle.StateAt(Now) == EndpointState.Stopped) return;
        _lifecycle.Stop(Now);
        foreach (var guest in _lifecycle.GuestsAdded) guest.KernelStopped();
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _flows.Report(results);
        _down?.Report(results);
        _backlog?.Report(results);
        _notForMe?.Report(results);
        foreach (var g in _generators) g.Report(results, Path);
        _tcpServers?.Report(results);
        if (_tcp is not null) TcpResults.ReportConnections(results, _tcp);
        base.Report(results, endTime);
    }

    public override void SnapshotSeries(ResultsBuilder results)
    {
        foreach (var g in _generators) g.SnapshotSeries(results);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters[EndpointResults.Endpoint] = Address.Id;
        counters[EndpointResults.State] = (long)_lifecycle.StateAt(now);
        counters[EndpointResults.StartupPs] = _lifecycle.StartupPs;
        counters[EndpointResults.DroppedDown] = _down?.Packets ?? 0;
        counters["dropped_backlog"] = _backlog?.Packets ?? 0;
        counters["dropped_not_for_me"] = _notForMe?.Packets ?? 0;
        // Summed from the flows this endpoint keeps anyway, so that the packet path pays nothing for them.
        long sentPackets = 0, sentBytes = 0, deliveredPackets = 0, deliveredBytes = 0;
        foreach (var f in _flows.Flows)
        {
            (sentPackets, sentBytes) = (sentPackets + f.SentPackets, sentBytes + f.SentBytes);
            (deliveredPackets, deliveredBytes) = (deliveredPackets + f.DeliveredPackets, deliveredBytes + f.DeliveredBytes);
        }
        counters[EndpointResults.PacketsSent] = sentPackets;
        counters[EndpointResults.BytesSent] = sentBytes;
        counters[EndpointResults.PacketsDelivered] = deliveredPackets;
        counters[EndpointResults.BytesDelivered] = deliveredBytes;
    }

    private void Deliver(in Packet packet)
    {
        _flows.Delivered(in packet, Now);
        if (DeliveryObserver is { } observe && packet.PayloadBytes > 0) observe(in packet, Now);
        if (packet.Headers.Protocol == PacketHeaders.Tcp)
        {
            Tcp.OnSegment(in packet);
            return;
        }
        switch ((AppKind)packet.App.Kind)
        {
            case AppKind.Request:
                SetTimer(Now + Server.ServiceTime(FlowIds.Application(packet.FlowId)), ServiceDoneTimer, 0, in packet);
                break;
            case AppKind.Response when packet.App.EndOfMessage:
                var generator = ResponseServer.RequestingGenerator(packet.FlowId);
                if (generator == ShellApplications.Ping)
                {
                    if (_pings is not null && _pings.TryGetValue(packet.Headers.DestinationPort, out var ping)) ping.OnEcho(packet.App.Stamp);
                    break;
                }
                if (_closedLoops is not null && _closedLoops.TryGetValue(generator, out var loop)) loop.OnResponse(packet.App.Stamp);
                else _flows.RequestCompleted(generator, Now - packet.App.Stamp);
                break;
        }
    }

    private void OnLifecycle(LifecycleStep step)
    {
        switch (step)
        {
            case LifecycleStep.Create:
                if (_lifecycle.Create(Now) is { } runningAt) SetTimer(runningAt, LifecycleTimer, (int)LifecycleStep.Running);
                break;
            case LifecycleStep.Running:
                if (_lifecycle.StateAt(Now) == EndpointState.Stopped) break; // its kernel stopped while it was starting
                _lifecycle.Running(Now);
                StartApplications();
                break;
            case LifecycleStep.Stop:
                Stop();
                break;
        }
    }

    private void StartApplications()
    {
        foreach (var g in _generators) g.Start();
        foreach (var guest in _lifecycle.GuestsAdded) guest.KernelStarted(Now);
        if (_lifecycle.StopAt != long.MaxValue) SetTimer(_lifecycle.StopAt, LifecycleTimer, (int)LifecycleStep.Stop);
        if (_lifecycle.Load is { } load) SetTimer(Now + load.PeriodPs, LoadTimer);
    }

    /// <summary>A CPU-bound process in the guest takes a slice of a vCPU, then sleeps for the rest of its period.</summary>
    private void RunLoadSlice()
    {
        if (!_lifecycle.IsRunning || _lifecycle.Load is not { } load) return;
        _placement.Processor.Run(Now, load.SliceCycles, _placement.User, 0);
        SetTimer(Now + load.PeriodPs, LoadTimer);
    }
}
