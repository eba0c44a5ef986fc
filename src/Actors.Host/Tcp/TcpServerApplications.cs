using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// The server side of the TCP applications on one endpoint, made when the first connection arrives: a sink for tcp-bulk and tcp-flows
/// (it reads everything, notes when a sized transfer's last byte arrived, and closes when the client does), and a responder for tcp-rr and
/// incast (every whole request is answered, after the service time, with the response).
/// </summary>
internal sealed class TcpServerApplications(IEndpoint endpoint)
{
    private readonly List<ServerSide> _served = [];

    /// <summary>A connection to <paramref name="generator"/>'s service, or, without one, to the shell's iperf sink.</summary>
    public ITcpApplication Accept(GeneratorSettings? generator)
    {
        var side = new ServerSide(endpoint, generator);
        _served.Add(side);
        return side;
    }

    public void Report(ResultsBuilder results)
    {
        foreach (var s in _served) s.Report(results);
    }

    private sealed class ServerSide(IEndpoint endpoint, GeneratorSettings? generator) : ITcpApplication
    {
        private TcpConnection? _connection;
        private long _received;
        private long _completedAt = -1;
        private long _pendingRequestBytes;
        private readonly Queue<long> _responses = new();

        /// <summary>The exchange it answers (tcp-rr, incast); null for a sink.</summary>
        private readonly (int Request, long Response, long ServicePs)? _exchange = generator?.Kind is GeneratorKind.TcpRr or GeneratorKind.Incast ? generator.TcpExchange : null;

        private bool Responds => _exchange is not null;

        public void Connected(TcpConnection connection) => _connection = connection;

        public void Received(TcpConnection connection, long bytes)
        {
            _connection = connection;
            _received += bytes;
            if (_exchange is not { } exchange) return;
            _pendingRequestBytes += bytes;
            var request = exchange.Request;
            while (_pendingRequestBytes >= request)
            {
                _pendingRequestBytes -= request;
                var service = exchange.ServicePs;
                if (service == 0) connection.Write(exchange.Response);
                else
                {
                    _responses.Enqueue(endpoint.Now + service);
                    endpoint.At(endpoint.Now + service, Respond);
                }
            }
        }

        private void Respond()
        {
            while (_responses.Count > 0 && _responses.Peek() <= endpoint.Now)
            {
                _responses.Dequeue();
                if (_exchange is { } exchange) _connection?.Write(exchange.Response);
            }
        }

        public void PeerClosed(TcpConnection connection)
        {
            _completedAt = endpoint.Now;
            connection.Close();
        }

        public void Report(ResultsBuilder results)
        {
            if (_connection is null) return;
            var c = TcpResults.Flow(results, _connection.FlowId);
            c[TcpResults.BytesReceived] += _received;
            if (_completedAt >= 0 && !Responds) c[TcpResults.CompletedPs] = _completedAt;
        }
    }
}
