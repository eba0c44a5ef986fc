using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tcp;

/// <summary>What the TCP layer needs from the endpoint stack it belongs to.</summary>
internal interface ITcpStackPort
{
    EndpointAddress Address { get; }
    long Now { get; }

    /// <summary>Where a connection to <paramref name="endpoint"/>'s TCP <paramref name="port"/> is addressed (a NATed container: its kernel's published port).</summary>
    (EndpointAddress Address, ushort Port) ReachTcp(int endpoint, ushort port);

    /// <summary>Sends a segment through the stack's send path (its CPU costs), counted under its generator.</summary>
    void SendSegment(in Packet segment, int generator, bool dataBurstContinues);

    void SetTcpTimer(long at, int token);

    /// <summary>The application to serve a connection that arrives on <paramref name="port"/>, or null when nothing listens there (the SYN is reset).</summary>
    ITcpApplication? Accept(ushort port);
}

/// <summary>
/// The TCP part of one endpoint's kernel: its connections, demultiplexed by (remote address, remote port, local port) as a socket
/// table does, the listeners the applications stand for, ephemeral ports, and the per-connection timers. A segment for no connection and
/// no listener gets a reset (RFC 9293 §3.10.7.1). Connections leave the table when they close; their counters are kept for the results.
/// </summary>
internal sealed class TcpLayer : ITcpHost
{
    /// <summary>Linux's net.ipv4.ip_local_port_range default.</summary>
    private const int FirstEphemeralPort = 32768, LastEphemeralPort = 60999;

    private readonly ITcpStackPort _stack;
    private readonly Dictionary<(uint RemoteIp, ushort RemotePort, ushort LocalPort), TcpConnection> _connections = new();
    private readonly Dictionary<int, TcpConnection> _byToken = new();
    private readonly Dictionary<TcpConnection, (int Token, (uint, ushort, ushort) Key)> _tokens = new(ReferenceEqualityComparer.Instance);
    private readonly List<(long FlowId, TcpConnectionStats Stats)> _finished = [];
    private int _nextToken;
    private int _nextPort = FirstEphemeralPort;
    private long _resetsSent;
    // TSO: the data segments one connection sends in one go form one super-segment for the stack's per-packet cost.
    private TcpConnection? _burstOwner;
    private long _burstAt = -1;
    private int _burstSegments;
    private (uint, ushort, ushort) _groKey;
    private long _groLastAt = long.MinValue / 2;
    private int _groSegments;

    public TcpLayer(ITcpStackPort stack, TcpSettings settings)
    {
        _stack = stack;
        Settings = settings;
    }

    public TcpSettings Settings { get; }
    public long Now => _stack.Now;

    /// <summary>Opens a connection to <paramref name="remoteEndpoint"/>'s TCP service on <paramref name="port"/>; its segments count under <paramref name="flowId"/>.</summary>
    public TcpConnection Connect(int remoteEndpoint, ushort port, long flowId, ITcpApplication application)
    {
        var (to, toPort) = _stack.ReachTcp(remoteEndpoint, port);
        var localPort = NextPort(to.Ipv4, toPort);
        var self = _stack.Address;
        var headers = new PacketHeaders
        {
            SourceMac = self.Mac, DestinationMac = to.Mac, SourceIp = self.Ipv4, DestinationIp = to.Ipv4, SourcePort = localPort, DestinationPort = toPort,
            Protocol = PacketHeaders.Tcp,
        };
        var connection = new TcpConnection(this, Settings, application, flowId, headers, self.Id, remoteEndpoint);
        Register((to.Ipv4, toPort, localPort), connection);
        connection.Connect();
        Tidy(connection);
        return connection;
    }

    /// <summary>A segment reached this endpoint (after the stack's receive work).</summary>
    public void OnSegment(in Packet segment)
    {
        var h = segment.Headers;
        var key = (h.SourceIp, h.SourcePort, h.DestinationPort);
        if (_connections.TryGetValue(key, out var connection))
        {
            connection.OnSegment(in segment);
            Tidy(connection);
            return;
        }
        if ((h.TcpFlags & TcpFlags.Rst) != 0) return;
        if ((h.TcpFlags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn && Listen(in segment, key)) return;
        Reset(in segment);
    }

    public void OnTimer(int token)
    {
        if (!_byToken.TryGetValue(token, out var connection)) return; // closed since
        connection.OnTimer();
        Tidy(connection);
    }

    /// <summary>
    /// GRO: whether <paramref name="segment"/> joins the previous one into one receive super-segment (the same connection's data, back to back
    /// within the GRO window, fewer than gro-segments so far), so that the stack's per-packet receive work is paid once for them.
    /// </summary>
    public bool CoalescesOnReceive(in Packet segment)
    {
        if (!Settings.Gro || segment.PayloadBytes == 0) return false;
        var key = (segment.Headers.SourceIp, segment.Headers.SourcePort, segment.Headers.DestinationPort);
        var now = _stack.Now;
        var joins = key == _groKey && now - _groLastAt <= Settings.GroWindowPs && _groSegments < Settings.GroSegments;
        _groSegments = joins ? _groSegments + 1 : 1;
        (_groKey, _groLastAt) = (key, now);
        return joins;
    }

    void ITcpHost.Transmit(TcpConnection connection, in Packet segment)
    {
        var data = segment.PayloadBytes > 0;
        var continues = data && Settings.Tso && _burstOwner == connection && _burstAt == _stack.Now && _burstSegments < TsoSegments;
        if (data)
        {
            _burstSegments = continues ? _burstSegments + 1 : 1;
            (_burstOwner, _burstAt) = (connection, _stack.Now);
        }
        _stack.SendSegment(in segment, FlowIds.Application(connection.FlowId), continues);
    }

    /// <summary>Segments in one TSO super-segment: Linux's 64 KB GSO limit over the MSS.</summary>
    private int TsoSegments => 65536 / Settings.Mss;

    void ITcpHost.ArmTimer(TcpConnection connection, long at)
    {
        if (_tokens.TryGetValue(connection, out var entry)) _stack.SetTcpTimer(at, entry.Token);
    }

    /// <summary>Every connection's counters, open or closed, by the flow its end sends under.</summary>
    public IEnumerable<(long FlowId, TcpConnectionStats Stats)> Connections =>
        _finished.Concat(_connections.Values.Select(c => (c.FlowId, c.Stats)));

    public void Report(ComponentCounters counters) => counters["tcp_resets_sent"] = _resetsSent;

    private bool Listen(in Packet syn, (uint, ushort, ushort) key)
    {
        var self = _stack.Address;
        var headers = new PacketHeaders
        {
            SourceMac = self.Mac, DestinationMac = syn.Headers.SourceMac, SourceIp = syn.Headers.DestinationIp, DestinationIp = syn.Headers.SourceIp,
            SourcePort = syn.Headers.DestinationPort, DestinationPort = syn.Headers.SourcePort, Protocol = PacketHeaders.Tcp,
        };
        if (_stack.Accept(syn.Headers.DestinationPort) is not { } application) return false;
        var connection = new TcpConnection(this, Settings, application, FlowIds.Reverse(syn.FlowId), headers, self.Id, syn.SourceEndpoint);
        Register(key, connection);
        connection.Accept(in syn);
        Tidy(connection);
        return true;
    }

    private void Reset(in Packet segment)
    {
        _resetsSent++;
        var self = _stack.Address;
        var rst = new Packet
        {
            FlowId = FlowIds.Reverse(segment.FlowId), CreatedAt = _stack.Now, SourceEndpoint = self.Id, DestinationEndpoint = segment.SourceEndpoint,
            Headers = new PacketHeaders
            {
                SourceMac = self.Mac, DestinationMac = segment.Headers.SourceMac, SourceIp = segment.Headers.DestinationIp, DestinationIp = segment.Headers.SourceIp,
                SourcePort = segment.Headers.DestinationPort, DestinationPort = segment.Headers.SourcePort, Protocol = PacketHeaders.Tcp,
                TcpFlags = TcpFlags.Rst | TcpFlags.Ack,
            },
        };
        rst.FlowHash = rst.Headers.FlowHash();
        rst.Tcp.Seq = segment.Tcp.Ack;
        rst.Tcp.Ack = segment.Tcp.Seq + (uint)segment.PayloadBytes + ((segment.Headers.TcpFlags & (TcpFlags.Syn | TcpFlags.Fin)) != 0 ? 1u : 0u);
        _stack.SendSegment(in rst, FlowIds.Application(segment.FlowId), dataBurstContinues: false);
    }

    private void Register((uint, ushort, ushort) key, TcpConnection connection)
    {
        var token = _nextToken++;
        _connections[key] = connection;
        _byToken[token] = connection;
        _tokens[connection] = (token, key);
    }

    /// <summary>A connection that closed leaves the tables; its counters stay for the results.</summary>
    private void Tidy(TcpConnection connection)
    {
        if (connection.State != TcpState.Closed || !_tokens.Remove(connection, out var entry)) return;
        _byToken.Remove(entry.Token);
        _connections.Remove(entry.Key);
        _finished.Add((connection.FlowId, connection.Stats));
    }

    /// <summary>
    /// The process that owned every connection is gone (a container restarted elsewhere): the connections leave the tables as they stood,
    /// their timers are ignored from now on, and the ephemeral ports go on from where they were, so that new connections do not take
    /// the 4-tuples of old ones that peers may still hold.
    /// </summary>
    public void Abandon()
    {
        foreach (var (connection, _) in _tokens.OrderBy(t => t.Value.Token)) _finished.Add((connection.FlowId, connection.Stats));
        _connections.Clear();
        _byToken.Clear();
        _tokens.Clear();
        _burstOwner = null;
    }

    private ushort NextPort(uint remoteIp, ushort remotePort)
    {
        for (var tries = 0; tries <= LastEphemeralPort - FirstEphemeralPort; tries++)
        {
            var port = (ushort)_nextPort;
            _nextPort = _nextPort == LastEphemeralPort ? FirstEphemeralPort : _nextPort + 1;
            if (!_connections.ContainsKey((remoteIp, remotePort, port))) return port;
        }
        throw new InvalidOperationException($"endpoint {_stack.Address.Id} has no free ephemeral port to {remoteIp}:{remotePort}");
    }
}
