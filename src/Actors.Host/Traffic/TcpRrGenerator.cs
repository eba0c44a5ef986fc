using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// netperf TCP_RR: one connection to one server (chosen once); a request of request-size bytes, answered with response-size bytes, and the
/// next request as soon as the whole response is in, until stop. TCP retransmits, so nothing is lost; a transaction's round trip runs from its
/// request's write to the response's last byte read. Reported as udp-rr clients are (rr.csv), with protocol tcp.
/// </summary>
internal sealed class TcpRrGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TcpClientGenerator(host, localIndex, settings, destinations, seed)
{
    private TcpConnection? _connection;
    private int _server = -1;
    private long _startedAt, _sentAt, _lastEnd, _received, _requests, _transactions;
    private LatencyHistogram? _roundTrips;

    protected override void OnStart()
    {
        _startedAt = StartTime;
        FireAt(_startedAt);
    }

    public override void OnFire(int epoch)
    {
        _server = Destinations.Choose(Host.Address.Id, Rng);
        _connection = Open(_server, 0);
    }

    public override void Connected(TcpConnection connection) => Request();

    public override void Received(TcpConnection connection, long bytes)
    {
        _received += bytes;
        if (_received < Settings.TcpRr.ResponseBytes) return;
        _received -= Settings.TcpRr.ResponseBytes;
        _transactions++;
        (_roundTrips ??= new LatencyHistogram(2)).Record(Host.Now - _sentAt);
        _lastEnd = Host.Now;
        Request();
    }

    private void Request()
    {
        if (Host.Now >= StopTime || !Host.IsRunning)
        {
            _connection?.Close();
            return;
        }
        _sentAt = Host.Now;
        _requests++;
        _connection!.Write(Settings.TcpRr.RequestBytes);
    }

    protected override void ReportApplication(ResultsBuilder results, string endpointPath)
    {
        if (_requests == 0) return;
        var c = results.Counters($"{endpointPath}/gen{Settings.Index}", UdpRrResults.TcpKind);
        c[UdpRrResults.Generator] = Settings.Index;
        c[UdpRrResults.Client] = Host.Address.Id;
        c[UdpRrResults.Server] = _server;
        c[UdpRrResults.Requests] = _requests;
        c[UdpRrResults.Transactions] = _transactions;
        c[UdpRrResults.ActivePs] = _lastEnd > _startedAt ? _lastEnd - _startedAt : 0;
        if (_roundTrips is not null) results.Histogram(TrafficHistograms.RoundTrip(Settings.Index), Host.Address.Id).Add(_roundTrips);
    }
}
