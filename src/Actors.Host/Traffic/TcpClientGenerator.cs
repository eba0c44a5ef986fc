using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// The client side of a TCP application: it opens connections to its destinations' service port, each under a flow id of its own
/// (endpoint, generator, connection number), and reports one row per connection for tcp-flows.csv — what it wrote and when it began; the
/// server reports when the data arrived (<see cref="TcpServerApplications"/>).
/// </summary>
internal abstract class TcpClientGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TrafficGenerator(host, localIndex, settings, destinations, seed), ITcpApplication
{
    private long _connections;
    private readonly List<Transfer> _transfers = [];
    private readonly Dictionary<TcpConnection, Transfer> _byConnection = new(ReferenceEqualityComparer.Instance);
    private CwndTrace? _trace;

    protected sealed class Transfer(TcpConnection connection, long size, long startPs)
    {
        public TcpConnection Connection { get; } = connection;
        /// <summary>Bytes the client writes (0: unlimited, until the generator stops).</summary>
        public long Size { get; } = size;
        public long StartPs { get; } = startPs;
    }

    protected IReadOnlyList<Transfer> Transfers => _transfers;

    /// <summary>The bytes <paramref name="connection"/> was opened to carry (0: unlimited).</summary>
    protected long SizeOf(TcpConnection connection) => _byConnection[connection].Size;

    /// <summary>Opens a connection to <paramref name="destination"/> that will carry <paramref name="size"/> bytes (0: unlimited).</summary>
    protected TcpConnection Open(int destination, long size)
    {
        var flowId = FlowIds.Make(Host.Address.Id, Settings.Index, _connections++);
        var connection = Host.Tcp.Connect(destination, TcpApplications.ServicePort(Settings.Index), flowId, this);
        var transfer = new Transfer(connection, size, Host.Now);
        _transfers.Add(transfer);
        _byConnection[connection] = transfer;
        if (Settings.TcpBulk.CwndTracePs > 0) (_trace ??= new CwndTrace(Host, LocalIndex, Settings.TcpBulk.CwndTracePs)).Follow(connection);
        return connection;
    }

    public virtual void Connected(TcpConnection connection) { }

    public virtual void Received(TcpConnection connection, long bytes) { }

    public virtual void PeerClosed(TcpConnection connection) => connection.Close();

    public virtual void Closed(TcpConnection connection) { }

    public override void OnToggle(int epoch) => _trace?.Sample();

    public override void Report(ResultsBuilder results, string endpointPath)
    {
        foreach (var t in _transfers)
        {
            var c = TcpResults.Flow(results, t.Connection.FlowId);
            c[TcpResults.Generator] = Settings.Index;
            c[TcpResults.Source] = Host.Address.Id;
            c[TcpResults.Destination] = t.Connection.RemoteEndpoint;
            c[TcpResults.Size] = t.Size;
            c[TcpResults.StartPs] = t.StartPs;
            if (t.Size > 0)
                c[TcpResults.IdealFctPs] = Host.TcpContext.Ideal.FctPs(Host.Address.Id, t.Connection.RemoteEndpoint, t.Size, Host.Tcp.Settings.Mss);
        }
        _trace?.Report(results);
        ReportApplication(results, endpointPath);
    }

    protected virtual void ReportApplication(ResultsBuilder results, string endpointPath) { }

    public override void SnapshotSeries(ResultsBuilder results) => _trace?.Report(results);
}
