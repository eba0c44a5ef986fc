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

/// <summary>Where an endpoint's kernel work runs and what it costs: a server's core, or a VM's vCPUs. Kept in its stack.</summary>
/// <param name="Processor">The cores (or vCPUs) the stack's work runs on.</param>
/// <param name="Kernel">The category of the kernel's work: host-kernel, or guest-kernel inside a VM.</param>
/// <param name="User">The category of the applications' work: host-user on bare metal, guest-user in a VM or a container.</param>
internal readonly record struct StackPlacement(Processor Processor, CpuCategory Kernel, CpuCategory User);

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
///
/// An idle host's stack is most of an idle host's memory: what stacks share is one <see cref="StackContext"/>, what few have is in
/// <see cref="StackExtras"/> (made by the first use), and a stack that runs from the start to the end and hosts no guest has no
/// <see cref="EndpointLifecycle"/> until something stops it or a guest joins it.
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

    private readonly StackContext _context;
    // One generator (nearly every stack that sends has one), or an array of them: a fire reads the generator, which the LP's timer hint
    // fetched one event ahead, not an array first (a dependent miss per packet sent on a large fabric).
    private readonly object _apps;
    // Not readonly: a struct changed in place (FlowAccounting).
    private FlowAccounting _flows;
    // The StackPlacement the stack was made with, kept apart: its two categories as bytes in the padding beside _free, _kind and
    // _endpoint, where its 16 B struct took 8 B more (an idle host stays under 1,000 B with the sender's tally, FlowAccounting).
    private Processor _processor;
    private readonly byte _kernelCategory, _userCategory;
    // Null: running from the start to the end, no guests (see Life).
    private EndpointLifecycle? _lifecycle;
    private readonly bool _free;
    // An index into Kinds: a byte in the padding, not a string reference in every stack.
    private readonly byte _kind;
    private readonly int _endpoint;
    private TcpLayer? _tcp;
    private StackExtras? _extras;

    /// <param name="lifecycle">Null for a stack that runs from the start to the end (a bare-metal host's).</param>
    public EndpointStack(ComponentPath path, string kind, int endpoint, StackContext context, Func<GeneratorSettings, bool> runsHere,
        StackPlacement placement, EndpointLifecycle? lifecycle)
        : base(path)
    {
        var kindIndex = Array.IndexOf(Kinds, kind);
        if (kindIndex < 0) throw new ArgumentException($"{Path}: no stack kind '{kind}'", nameof(kind));
        _context = context;
        _kind = (byte)kindIndex;
        _endpoint = endpoint;
        _free = context.Costs.IsFree;
        (_processor, _kernelCategory, _userCategory) = (placement.Processor, (byte)placement.Kernel, (byte)placement.User);
        _lifecycle = lifecycle;
        StopsAt = lifecycle?.StopAt ?? long.MaxValue;
        var apps = new List<TrafficGenerator>();
        foreach (var g in context.Generators.Where(runsHere))
        {
            var app = TrafficGenerator.Create(this, apps.Count, g, context.Directory.Count, context.Seed);
            apps.Add(app);
            if (app is UdpRrGenerator loop) (Extras.ClosedLoops ??= [])[g.Index] = loop;
        }
        _apps = apps.Count == 1 ? apps[0] : apps.ToArray();
    }

    private TrafficGenerator[] Generators => _apps as TrafficGenerator[] ?? [(TrafficGenerator)_apps];

    private static readonly string[] Kinds = [EndpointResults.HostStackKind, EndpointResults.VmStackKind, EndpointResults.ContainerStackKind];

    public override string Kind => Kinds[_kind];

    private CpuCategory KernelCategory => (CpuCategory)_kernelCategory;

    private CpuCategory UserCategory => (CpuCategory)_userCategory;

    private StackExtras Extras => _extras ??= new StackExtras();

    private StackCosts Costs => _context.Costs;

    private IReadOnlyList<GeneratorSettings> AllGenerators => _context.Generators;

    /// <summary>The lifecycle, made (running from the start, as it is while there is none) by whatever changes it.</summary>
    private EndpointLifecycle Life => _lifecycle ??= EndpointLifecycle.AlwaysRunning();

    /// <summary>The server side of request/response here; its random stream depends only on the seed and the endpoint, not on when it is made.</summary>
    private ResponseServer Server => Extras.Server ??= new ResponseServer(this, AllGenerators, _context.Seed);

    /// <summary>The endpoint's address, from the directory: not kept, as every stack would keep 24 B the directory computes.</summary>
    public EndpointAddress Address => _context.Directory[_endpoint];

    /// <summary>This endpoint's TCP, made by its first connection or SYN: most of 100,000 idle VMs never have one.</summary>
    public TcpLayer Tcp => _tcp ??= new TcpLayer(this, _context.Tcp.Settings);

    public TcpContext TcpContext => _context.Tcp;

    /// <summary>Virtual time now, for the stack's generators: they call the stack itself, not through <see cref="IEndpoint"/>, as an
    /// interface call goes through a dispatch stub every time (dynamic PGO is off), six or so per packet sent.</summary>
    public new long Now => base.Now;

    long IEndpoint.Now => Now;

    long ITcpStackPort.Now => Now;

    public bool IsRunning => _lifecycle?.IsRunning ?? true;

    /// <summary>The lifecycle's stop time, kept here: every packet a generator sends reads it (a cold object less per packet).</summary>
    public long StopsAt { get; }

    /// <summary>Endpoints whose kernel this one is (containers in a VM or on a host): told when it runs and when it stops.</summary>
    public void AddGuest(EndpointStack guest) => Life.Guests.Add(guest);

    private IReadOnlyList<EndpointStack> Guests => _lifecycle?.GuestsAdded ?? [];

    public EndpointAddress Resolve(int endpoint) => _context.Directory[endpoint];

    public (EndpointAddress Address, ushort Port) Reach(int endpoint, ushort port) => _context.Directory.Reach(endpoint, port, PacketHeaders.Udp);

    public (EndpointAddress Address, ushort Port) ReachTcp(int endpoint, ushort port) => _context.Directory.Reach(endpoint, port, PacketHeaders.Tcp);

    public void SendSegment(in Packet segment, int generator, bool dataBurstContinues) =>
        Send(in segment, FlowKindOf(generator), dataBurstContinues);

    public void SetTcpTimer(long at, int token) => SetTimer(at, TcpTimer, token);

    public ITcpApplication? Accept(ushort port)
    {
        if (port == MigrationStream.Port) return MigrationReceiver;
        if (port == ShellApplications.IperfPort && IsRunning) return TcpServers.Accept(null);
        var generator = port - TcpApplications.FirstServicePort;
        if (!IsRunning || generator < 0 || generator >= AllGenerators.Count || !TcpApplications.IsTcp(AllGenerators[generator].Kind)) return null;
        return TcpServers.Accept(AllGenerators[generator]);
    }

    private TcpServerApplications TcpServers => Extras.TcpServers ??= new TcpServerApplications(this);

    /// <summary>Told of every data packet delivered here (a migration measuring the traffic around it); null: nobody listens.</summary>
    public DeliveryObserver? DeliveryObserver
    {
        get => _extras?.DeliveryObserver;
        set
        {
            if (value is not null || _extras is not null) Extras.DeliveryObserver = value;
        }
    }

    /// <summary>What reads incoming live migrations on a host that VMs migrate to (<see cref="MigrationStream.Port"/>); null elsewhere.</summary>
    public ITcpApplication? MigrationReceiver
    {
        get => _extras?.MigrationReceiver;
        set => Extras.MigrationReceiver = value;
    }

    /// <summary>The kind a flow of <paramref name="generator"/> (a request's, or its reverse direction's) is counted as.</summary>
    private GeneratorKind FlowKindOf(int generator) =>
        generator < AllGenerators.Count ? AllGenerators[generator].Kind
        : generator == MigrationStream.Application ? GeneratorKind.Migration
        : generator == ShellApplications.Iperf ? GeneratorKind.ShellIperf
        : GeneratorKind.RequestResponse;

    public override void Start()
    {
        // The stack's timers are nearly all its generators' fires: the LP fetches the generator with the stack.
        if (_apps is TrafficGenerator one) ForeseeTimer(one);
        if (_lifecycle is not { RunsFromStart: false } lifecycle) StartApplications();
        else SetTimer(lifecycle.CreateAt, LifecycleTimer, (int)LifecycleStep.Create);
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
        if (_processor.Overloaded(Now, steer))
        {
            // The socket's send buffer is full behind a saturated core: the datagram is lost here, as sendto() drops it.
            Backlog.Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var cost = dataBurstContinues ? Costs.Send with { CyclesPerPacket = 0 } : Costs.Send;
        var done = _processor.Run(Now, cost, packet.PayloadBytes, KernelCategory, steer);
        if (done == Now) Emit(NetworkPort, in packet);
        else EmitAt(done, NetworkPort, in packet);
    }

    private DropLedger Backlog => Extras.Backlog ??= new DropLedger($"{Path}:backlog");

    public void At(long time, Action action)
    {
        var extras = Extras;
        var token = extras.NextCallback++;
        (extras.Callbacks ??= [])[token] = action;
        SetTimer(time, CallbackTimer, token);
    }

    /// <summary>The source port the next ping from here takes (past <see cref="ushort.MaxValue"/>: no more pings).</summary>
    public int NextPingPort => ShellApplications.FirstPingPort + (_extras?.Pings?.Count ?? 0);

    /// <summary>Starts the shell's <paramref name="ping"/> from here (its port is <see cref="NextPingPort"/>).</summary>
    public void StartPing(ShellPing ping)
    {
        (Extras.Pings ??= [])[ping.Port] = ping;
        ping.Start();
    }

    public void SetAppTimer(long time, int app, AppTimer timer, int epoch) => SetTimer(time, FirstAppTimer + 2 * app + (int)timer, epoch);

    public override void Receive(int port, in Packet packet)
    {
        _flows.PrepareDelivery();
        if (packet.DestinationEndpoint != _endpoint)
        {
            // A frame a bridge flooded to every port: the interface's address filter drops it.
            (Extras.NotForMe ??= new DropLedger($"{Path}:not-for-me")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (!IsRunning)
        {
            (Extras.Down ??= new DropLedger($"{Path}:down")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (port == DeliverPort || _free)
        {
            Deliver(in packet);
            return;
        }
        var p = _processor;
        var steer = packet.Headers.SymmetricHash();
        if (p.Overloaded(Now, steer))
        {
            Backlog.Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var (receive, app) = (Costs.Receive, Costs.App);
        if (packet.Headers.Protocol == PacketHeaders.Tcp)
        {
            // GRO merges a connection's back-to-back segments into one for the stack and one read for the application; a pure ACK wakes no application.
            if (Tcp.CoalescesOnReceive(in packet)) (receive, app) = (receive with { CyclesPerPacket = 0 }, app with { CyclesPerPacket = 0 });
            if (packet.PayloadBytes == 0) app = StepCost.Free;
        }
        var done = p.Run(Now, receive, packet.PayloadBytes, KernelCategory, steer);
        done = p.Run(done, app, packet.PayloadBytes, UserCategory, steer, newItem: false);
        if (done == Now) Deliver(in packet);
        else ReceiveAt(done, DeliverPort, in packet);
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        switch (timer)
        {
            case ServiceDoneTimer:
                if (IsRunning)
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
                if (_extras!.Callbacks!.Remove(token, out var action)) action();
                return;
        }
        // A generator's fire sends: the NIC's transmitter is fetched while the generator draws the packet.
        PrepareEmit(NetworkPort);
        var app = _apps as TrafficGenerator ?? ((TrafficGenerator[])_apps)[(timer - FirstAppTimer) / 2];
        if ((AppTimer)((timer - FirstAppTimer) % 2) == AppTimer.Fire) app.OnFire(token);
        else app.OnToggle(token);
    }

    /// <summary>The kernel this endpoint runs in (its VM) is up: a start that waited for it can go on.</summary>
    public void KernelStarted(long now)
    {
        if (Life.KernelStarted(now) is { } runningAt) SetTimer(runningAt, LifecycleTimer, (int)LifecycleStep.Running);
    }

    /// <summary>The endpoint moved to another server (a container's move): its work runs on <paramref name="processor"/> from now on.</summary>
    public void MoveTo(Processor processor) => _processor = processor;

    /// <summary>
    /// Started anew (a container restarted on another server, its old process gone with its pending events): its connections are
    /// abandoned (a peer's next segment finds no socket and gets a reset), and at <paramref name="runningAt"/> its applications start over,
    /// opening new connections. Returns whether it runs again: a start that would end after its stop time is cut short then.
    /// </summary>
    public bool Restart(long runningAt)
    {
        Life.Restarted(Now);
        _tcp?.Abandon();
        var runs = runningAt < StopsAt;
        SetTimer(runs ? runningAt : StopsAt, LifecycleTimer, (int)(runs ? LifecycleStep.Running : LifecycleStep.Stop));
        return runs;
    }

    /// <summary>The kernel this endpoint runs in (its VM) shut down: so does the endpoint.</summary>
    public void KernelStopped() => Stop();

    private void Stop()
    {
        if (Life.StateAt(Now) == EndpointState.Stopped) return;
        Life.Stop(Now);
        foreach (var guest in Guests) guest.KernelStopped();
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _flows.Report(results);
        if (_extras?.RequestCompletion is { } completions)
            foreach (var (g, h) in completions) results.Histogram(TrafficHistograms.RequestCompletion, g).Add(h);
        _extras?.Down?.Report(results);
        _extras?.Backlog?.Report(results);
        _extras?.NotForMe?.Report(results);
        foreach (var g in Generators) g.Report(results, Path);
        _extras?.TcpServers?.Report(results);
        if (_tcp is not null) TcpResults.ReportConnections(results, _tcp);
        base.Report(results, endTime);
    }

    public override void SnapshotSeries(ResultsBuilder results)
    {
        foreach (var g in Generators) g.SnapshotSeries(results);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters[EndpointResults.Endpoint] = _endpoint;
        counters[EndpointResults.State] = (long)(_lifecycle?.StateAt(now) ?? EndpointState.Running);
        counters[EndpointResults.StartupPs] = _lifecycle?.StartupPs ?? 0;
        counters[EndpointResults.DroppedDown] = _extras?.Down?.Packets ?? 0;
        counters["dropped_backlog"] = _extras?.Backlog?.Packets ?? 0;
        counters["dropped_not_for_me"] = _extras?.NotForMe?.Packets ?? 0;
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
        // The next packet in will most likely be on the same flow: the LP fetches it with the NIC and the stack, one event ahead.
        if (_flows.Delivered(in packet, Now) is { } another) ForeseePacket(another);
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
                    if (_extras?.Pings is { } pings && pings.TryGetValue(packet.Headers.DestinationPort, out var ping)) ping.OnEcho(packet.App.Stamp);
                    break;
                }
                if (_extras?.ClosedLoops is { } loops && loops.TryGetValue(generator, out var loop)) loop.OnResponse(packet.App.Stamp);
                else RequestCompleted(generator, Now - packet.App.Stamp);
                break;
        }
    }

    /// <summary>The last packet of a response to generator <paramref name="generator"/>'s request arrived.</summary>
    private void RequestCompleted(int generator, long latencyPs)
    {
        var completions = Extras.RequestCompletion ??= [];
        if (!completions.TryGetValue(generator, out var h)) completions[generator] = h = new LatencyHistogram(3);
        h.Record(latencyPs);
    }

    private void OnLifecycle(LifecycleStep step)
    {
        switch (step)
        {
            case LifecycleStep.Create:
                if (Life.Create(Now) is { } runningAt) SetTimer(runningAt, LifecycleTimer, (int)LifecycleStep.Running);
                break;
            case LifecycleStep.Running:
                if (Life.StateAt(Now) == EndpointState.Stopped) break; // its kernel stopped while it was starting
                Life.Running(Now);
                StartApplications();
                break;
            case LifecycleStep.Stop:
                Stop();
                break;
        }
    }

    private void StartApplications()
    {
        foreach (var g in Generators) g.Start();
        foreach (var guest in Guests) guest.KernelStarted(Now);
        if (StopsAt != long.MaxValue) SetTimer(StopsAt, LifecycleTimer, (int)LifecycleStep.Stop);
        if (_lifecycle?.Load is { } load) SetTimer(Now + load.PeriodPs, LoadTimer);
    }

    /// <summary>A CPU-bound process in the guest takes a slice of a vCPU, then sleeps for the rest of its period.</summary>
    private void RunLoadSlice()
    {
        if (!IsRunning || _lifecycle?.Load is not { } load) return;
        _processor.Run(Now, load.SliceCycles, UserCategory, 0);
        SetTimer(Now + load.PeriodPs, LoadTimer);
    }
}
