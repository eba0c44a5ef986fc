using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// The network stack of one endpoint (today a bare-metal host's kernel stack) and the applications on it:
/// its traffic generators and the server side of request/response. Port 0 faces the network (the NIC, or
/// a switch port in the same server).
/// </summary>
/// <remarks>
/// Applications reach the network only through <see cref="IEndpoint"/>, so the same generators will run
/// on a VM's or a container's stack. Timers: 0 is "a request's service time is over" (the timer carries
/// the request); application i's timers are 1 + 2i (fire) and 2 + 2i (on/off toggle).
/// </remarks>
internal sealed class HostStack : Component, IEndpoint
{
    public const int NetworkPort = 0;
    private const int ServiceDoneTimer = 0;

    private readonly EndpointDirectory _directory;
    private readonly List<TrafficGenerator> _generators = [];
    /// <summary>The udp-rr clients here, by generator index: the responses they wait for end their transactions.</summary>
    private readonly Dictionary<int, UdpRrGenerator> _closedLoops = new();
    private readonly ResponseServer _server;
    private readonly FlowAccounting _flows = new();

    public HostStack(string path, EndpointAddress address, EndpointDirectory directory, IReadOnlyList<GeneratorSettings> generators,
        Func<GeneratorSettings, bool> runsHere, ulong seed) : base(path, "host-stack")
    {
        Address = address;
        _directory = directory;
        _server = new ResponseServer(this, generators, seed);
        foreach (var g in generators.Where(runsHere))
        {
            var app = TrafficGenerator.Create(this, _generators.Count, g, directory.Count, seed);
            _generators.Add(app);
            if (app is UdpRrGenerator loop) _closedLoops[g.Index] = loop;
        }
    }

    public EndpointAddress Address { get; }

    long IEndpoint.Now => Now;

    public EndpointAddress Resolve(int endpoint) => _directory[endpoint];

    public override void Start()
    {
        foreach (var g in _generators) g.Start();
    }

    public void Send(in Packet packet, GeneratorKind kind)
    {
        _flows.Sent(in packet, kind);
        Emit(NetworkPort, in packet);
    }

    public void SetAppTimer(long time, int app, AppTimer timer, int epoch) => SetTimer(time, 1 + 2 * app + (int)timer, epoch);

    public override void Receive(int port, in Packet packet)
    {
        if (packet.DestinationEndpoint != Address.Id)
            throw new InvalidOperationException($"{Path} ({Address}) received a packet for endpoint {packet.DestinationEndpoint}");
        _flows.Delivered(in packet, Now);
        switch ((AppKind)packet.App.Kind)
        {
            case AppKind.Request:
                SetTimer(Now + _server.ServiceTime(FlowIds.Application(packet.FlowId)), ServiceDoneTimer, 0, in packet);
                break;
            case AppKind.Response when packet.App.EndOfMessage:
                var generator = ResponseServer.RequestingGenerator(packet.FlowId);
                if (_closedLoops.TryGetValue(generator, out var loop)) loop.OnResponse(packet.App.Stamp);
                else _flows.RequestCompleted(generator, Now - packet.App.Stamp);
                break;
        }
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        if (timer == ServiceDoneTimer)
        {
            foreach (var p in _server.Respond(in carried, Now)) Send(in p, GeneratorKind.RequestResponse);
            return;
        }
        var app = _generators[(timer - 1) / 2];
        if ((AppTimer)((timer - 1) % 2) == AppTimer.Fire) app.OnFire(token);
        else app.OnToggle(token);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _flows.Report(results);
        foreach (var g in _generators) g.Report(results, Path);
        base.Report(results, endTime);
    }
}
