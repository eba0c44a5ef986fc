using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Shell;

/// <summary>
/// <c>ping SRC DST</c>: <see cref="Count"/> UDP echo requests of <see cref="PayloadBytes"/> (ping's default size) from SRC's endpoint,
/// one every interval from the directive's time, to DST's echo service: its request/response server answers each at once with a
/// datagram of the same size (<see cref="ResponseServer"/>). Each echo's round trip is measured in virtual time from the request's
/// creation, which the echo carries back (<see cref="AppData.Stamp"/>); a request not answered within <see cref="TimeoutPs"/> is lost,
/// an echo after that is late. Done once every request is answered or lost.
/// </summary>
internal sealed class ShellPing(IEndpoint endpoint, string path, long id, int destination, int count, long intervalPs, ushort port) : IShellApplication
{
    public const int PayloadBytes = 56;

    /// <summary>How long a request waits for its echo (ping -W 1).</summary>
    public const long TimeoutPs = SimTime.Second;

    private const byte Waiting = 0, Answered = 1, Lost = 2;

    private readonly byte[] _state = new byte[count];
    private long _start;
    private PacketHeaders _headers;
    /// <summary>Requests due so far; <see cref="_sent"/> those that left (an endpoint that is down sends none).</summary>
    private int _due;
    private long _sent;
    private long _received, _lost, _late;
    private long _rttMin = long.MaxValue, _rttMax, _rttSum;

    public string Path { get; } = path;

    /// <summary>Its source port: echoes come back to it.</summary>
    public ushort Port { get; } = port;

    public int Count { get; } = count;

    /// <summary>Sends the first request now, the others every interval after it.</summary>
    public void Start()
    {
        _start = endpoint.Now;
        var (to, toPort) = endpoint.Reach(destination, ShellApplications.EchoPort);
        _headers = FlowCursor.UdpHeaders(endpoint.Address, to, Port, toPort);
        SendNext();
    }

    private void SendNext()
    {
        var index = _due++;
        if (endpoint.IsRunning)
        {
            _sent++;
            endpoint.Send(new Packet
            {
                FlowId = FlowIds.Make(endpoint.Address.Id, ShellApplications.Ping, id), CreatedAt = endpoint.Now, Headers = _headers,
                SourceEndpoint = endpoint.Address.Id, DestinationEndpoint = destination, PayloadBytes = PayloadBytes, FlowHash = _headers.FlowHash(),
                Sequence = index, App = new AppData { Kind = (byte)AppKind.Request, EndOfMessage = true },
            }, GeneratorKind.ShellPing);
        }
        endpoint.At(endpoint.Now + TimeoutPs, () => Expire(index));
        if (_due < Count) endpoint.At(endpoint.Now + intervalPs, SendNext);
    }

    private void Expire(int index)
    {
        if (_state[index] != Waiting) return;
        _state[index] = Lost;
        _lost++;
    }

    /// <summary>The echo of the request created at <paramref name="requestCreatedAt"/> arrived now.</summary>
    public void OnEcho(long requestCreatedAt)
    {
        var offset = requestCreatedAt - _start;
        var index = offset / intervalPs;
        if (offset < 0 || offset % intervalPs != 0 || index >= Count || _state[index] != Waiting)
        {
            _late++;
            return;
        }
        _state[index] = Answered;
        _received++;
        var rtt = endpoint.Now - requestCreatedAt;
        _rttMin = Math.Min(_rttMin, rtt);
        _rttMax = Math.Max(_rttMax, rtt);
        _rttSum += rtt;
    }

    public void Write(ResultsBuilder results)
    {
        var c = results.Counters(Path, ShellApplications.PingKind);
        c["source"] = endpoint.Address.Id;
        c["destination"] = destination;
        c["count"] = Count;
        c["sent"] = _sent;
        c["received"] = _received;
        c["lost"] = _lost;
        c["late"] = _late;
        c["rtt_min_ps"] = _received > 0 ? _rttMin : 0;
        c["rtt_max_ps"] = _rttMax;
        c["rtt_sum_ps"] = _rttSum;
        c["done"] = _received + _lost == Count ? 1 : 0;
    }
}
