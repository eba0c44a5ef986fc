using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>
/// A client and a server connection joined by a bottleneck: each direction is a FIFO link of a given rate and one-way delay with an
/// unbounded queue, and a test-chosen fate per segment (deliver, drop, hold back for reordering, or mark CE as a switch queue would).
/// A small event loop of its own drives both ends in time order, so that the state machine is tested without the simulator around it.
/// A segment for an end that has closed is answered with a reset, as the stack's TCP layer does once the connection left its table.
/// </summary>
internal sealed class TcpPair : ITcpHost
{
    private readonly PriorityQueue<Action, (long Time, long Order)> _events = new();
    private long _order;
    private readonly long _delayPs;
    private readonly DataRate _rate;
    private readonly long[] _linkFreeAt = new long[2];

    public TcpPair(TcpSettings? settings = null, long delayPs = 10 * SimTime.Microsecond, DataRate? rate = null, TcpSettings? serverSettings = null)
    {
        _delayPs = delayPs;
        _rate = rate ?? new DataRate(10_000_000_000);
        var clientHeaders = new PacketHeaders { SourceIp = 1, DestinationIp = 2, SourcePort = 1024, DestinationPort = 5000, Protocol = PacketHeaders.Tcp };
        Client = new TcpConnection(this, settings ?? TcpSettings.Default, ClientApp, 1, clientHeaders, 0, 1);
        var serverHeaders = new PacketHeaders { SourceIp = 2, DestinationIp = 1, SourcePort = 5000, DestinationPort = 1024, Protocol = PacketHeaders.Tcp };
        Server = new TcpConnection(this, serverSettings ?? settings ?? TcpSettings.Default, ServerApp, 2, serverHeaders, 1, 0);
    }

    /// <summary>
    /// A pair whose client writes <paramref name="bytes"/> and closes once connected, and whose server closes when the client's FIN
    /// arrives, after writing <paramref name="serverBytes"/> on its own connection; run for <paramref name="until"/>.
    /// </summary>
    public static TcpPair Transfer(long bytes, TcpSettings? settings = null, Func<bool, Packet, int, SegmentFate>? fate = null,
        long until = 10 * SimTime.Second, long serverBytes = 0, long delayPs = 10 * SimTime.Microsecond)
    {
        var pair = Prepare(bytes, settings, serverBytes, delayPs);
        if (fate is not null) pair.Fate = fate;
        pair.Client.Connect();
        pair.RunUntil(until);
        return pair;
    }

    /// <summary>The pair of <see cref="Transfer"/> before the client connects, for a test that sets a fate which needs the pair.</summary>
    public static TcpPair Prepare(long bytes, TcpSettings? settings = null, long serverBytes = 0, long delayPs = 10 * SimTime.Microsecond)
    {
        var pair = new TcpPair(settings, delayPs);
        pair.ClientApp.OnConnected = c => { c.Write(bytes); c.Close(); };
        if (serverBytes > 0) pair.ServerApp.OnConnected = c => c.Write(serverBytes);
        pair.ServerApp.OnPeerClosed = c => c.Close();
        return pair;
    }

    public TcpConnection Client { get; }
    public TcpConnection Server { get; private set; }
    public Recorder ClientApp { get; } = new();
    public Recorder ServerApp { get; } = new();
    public long Now { get; private set; }
    public bool ServerAccepted { get; private set; }

    /// <summary>Decides each segment's fate: (direction from client?, segment, its number in that direction from 0) → fate.</summary>
    public Func<bool, Packet, int, SegmentFate> Fate { get; set; } = (_, _, _) => SegmentFate.Deliver;

    /// <summary>Every segment sent, in order: (time, from client?, segment).</summary>
    public List<(long Time, bool FromClient, Packet Segment)> Sent { get; } = [];

    private readonly int[] _counts = new int[2];
    private readonly List<(bool FromClient, Packet Segment)> _held = [];

    public void Transmit(TcpConnection connection, in Packet segment)
    {
        var fromClient = connection == Client;
        Sent.Add((Now, fromClient, segment));
        var fate = Fate(fromClient, segment, _counts[fromClient ? 0 : 1]++);
        if (fate == SegmentFate.Drop) return;
        var copy = segment;
        // A queue above its marking threshold marks only ECN-capable packets (RFC 3168 §5); others pass as they are here.
        if (fate == SegmentFate.Mark && EcnCodepoint.IsCapable(copy.Headers.Ecn)) copy.Headers.Ecn = EcnCodepoint.Ce;
        if (fate == SegmentFate.Hold)
        {
            _held.Add((fromClient, copy));
            return;
        }
        Schedule(fromClient, copy);
    }

    /// <summary>Sends the held segments now, in the order they were held.</summary>
    public void ReleaseHeld()
    {
        foreach (var (fromClient, segment) in _held) Schedule(fromClient, segment);
        _held.Clear();
    }

    private void Schedule(bool fromClient, Packet segment)
    {
        var link = fromClient ? 0 : 1;
        var start = Math.Max(Now, _linkFreeAt[link]);
        _linkFreeAt[link] = start + _rate.TransmitTime(Ethernet.WireBytes(in segment));
        var arrival = _linkFreeAt[link] + _delayPs;
        At(arrival, () => Arrive(fromClient, segment));
    }

    private void Arrive(bool fromClient, Packet segment)
    {
        if (!fromClient)
        {
            Deliver(Client, segment);
            return;
        }
        if (!ServerAccepted && (segment.Headers.TcpFlags & TcpFlags.Syn) != 0)
        {
            ServerAccepted = true;
            Server.Accept(in segment);
            return;
        }
        if (ServerAccepted) Deliver(Server, segment);
    }

    private void Deliver(TcpConnection to, Packet segment)
    {
        if (to.State != TcpState.Closed)
        {
            to.OnSegment(in segment);
            return;
        }
        if ((segment.Headers.TcpFlags & TcpFlags.Rst) != 0) return;
        Resets++;
        var reset = segment;
        reset.PayloadBytes = 0;
        reset.Headers.TcpFlags = TcpFlags.Rst;
        Schedule(to == Client, reset);
    }

    /// <summary>Resets sent for segments that reached a closed end.</summary>
    public int Resets { get; private set; }

    public void ArmTimer(TcpConnection connection, long at) => At(at, connection.OnTimer);

    public void At(long time, Action action) => _events.Enqueue(action, (time, _order++));

    /// <summary>Runs events up to <paramref name="until"/> (or until nothing is left).</summary>
    public void RunUntil(long until)
    {
        while (_events.TryPeek(out _, out var key) && key.Time <= until)
        {
            var action = _events.Dequeue();
            Now = key.Time;
            action();
        }
        if (Now < until) Now = until;
    }

    public List<(long Time, bool FromClient, Packet Segment)> DataSegments(bool fromClient) =>
        Sent.Where(s => s.FromClient == fromClient && s.Segment.PayloadBytes > 0).ToList();

    /// <summary>The times at which the client sent the data segment starting at byte <paramref name="seq"/> (its first sending and each retransmission).</summary>
    public List<long> ClientSendTimes(long seq) =>
        Sent.Where(s => s.FromClient && s.Segment.PayloadBytes > 0 && s.Segment.Tcp.Seq == (uint)seq).Select(s => s.Time).ToList();

    /// <summary>The segments one side sent carrying exactly <paramref name="flags"/> among SYN, ACK, FIN, ECE and CWR.</summary>
    public List<(long Time, bool FromClient, Packet Segment)> WithFlags(bool fromClient, byte flags) =>
        Sent.Where(s => s.FromClient == fromClient && (s.Segment.Headers.TcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Ece | TcpFlags.Cwr)) == flags)
            .ToList();

    /// <summary>When a segment sent at <paramref name="sentAt"/> of <paramref name="segment"/>'s size arrives on an idle link.</summary>
    public long ArrivalOnIdleLink(long sentAt, in Packet segment) => sentAt + _rate.TransmitTime(Ethernet.WireBytes(in segment)) + _delayPs;
}

internal enum SegmentFate { Deliver, Drop, Hold, Mark }

/// <summary>An application that records what its connection told it and checks the byte stream arrives once and in order.</summary>
internal sealed class Recorder : ITcpApplication
{
    public bool Connected { get; private set; }
    public long Received { get; private set; }
    public bool PeerClosed { get; private set; }
    public bool Closed { get; private set; }
    public List<(long Bytes, long Total)> Deliveries { get; } = [];
    public Action<TcpConnection>? OnConnected { get; set; }
    public Action<TcpConnection>? OnPeerClosed { get; set; }

    void ITcpApplication.Connected(TcpConnection c)
    {
        Connected = true;
        OnConnected?.Invoke(c);
    }

    void ITcpApplication.Received(TcpConnection c, long bytes)
    {
        Received += bytes;
        Deliveries.Add((bytes, Received));
        // In order and never twice: the connection's in-order count must equal what the application has read, or more if paused.
        if (c.ReceivedInOrder < Received) throw new InvalidOperationException($"delivered {Received} B but only {c.ReceivedInOrder} B arrived in order");
    }

    void ITcpApplication.PeerClosed(TcpConnection c)
    {
        PeerClosed = true;
        OnPeerClosed?.Invoke(c);
    }

    void ITcpApplication.Closed(TcpConnection c) => Closed = true;
}
