using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Nat;

/// <summary>
/// Docker's default bridge networking as the Linux kernel does it: iptables' nat table with nf_conntrack, between
/// the Docker bridge (<see cref="InsidePort"/>, the containers' private addresses) and the host's uplink
/// (<see cref="OutsidePort"/>). A container's outbound connection is masqueraded to the host's address; a
/// connection to a published port is DNATed to its container; every later packet of either finds its entry by
/// its 5-tuple and is translated the same way, in both directions.
/// </summary>
/// <remarks>
/// The gateway carries container traffic only: in Docker the host's own traffic never crosses docker0, so the
/// server's builder routes it elsewhere, and a packet arriving from outside that belongs to no entry and no
/// published port is dropped ("no_match"), as is a packet from inside whose source is no known container.
/// Masquerade keeps the container's source port when the translated connection is unique, else takes the next
/// free port of the same class (nf_nat_l4proto_unique_tuple without --to-ports: 1-511, 600-1023 or 1024-65535)
/// from a rover, as Linux did before it started from a random offset: deterministic, and unique per (protocol,
/// remote address, remote port) like the kernel's. The rewrite changes what the network sees: the host as
/// sender or the container as receiver (addresses, MACs, and the receiving endpoint), and the flow hash, which is recomputed from
/// the new headers because ECMP and RSS beyond the gateway hash the translated tuple. Destination MACs of outbound
/// packets and source MACs of inbound ones are left as the sender set them (a real host puts its next hop's and
/// docker0's). The sending endpoint stays the container's: endpoint ids are the simulation's names for whom a packet is
/// from and for (the fabric locates the container's server by it, and answers come back to it through this NAT), not
/// addresses the network reads. Each packet costs the netfilter traversal and a conntrack lookup, plus the entry's creation for a
/// connection's first packet, on the core its arriving flow hash picks, and leaves when that work is done;
/// dropped packets cost the traversal and lookup too.
/// </remarks>
public sealed class NatGateway : Component
{
    public const int InsidePort = 0;
    public const int OutsidePort = 1;
    private const int GcTimer = 0;

    private readonly ConntrackTable _table;
    private readonly EndpointAddress _host;
    private readonly Dictionary<(byte Protocol, ushort HostPort), PublishedPort> _published = new();
    private readonly Func<uint, EndpointAddress?> _containerByIp;
    private readonly Processor _processor;
    private readonly CpuCategory _category;
    private readonly NatCosts _costs;
    private readonly DropLedger _drops;
    private readonly ushort[] _rovers = new ushort[3];

    private long _packetsOut, _packetsIn, _newConnections, _conntrackFull, _noMatch, _noFreePort, _cycles;

    public override string Kind => "nat";

    /// <param name="dropLocation">How drops here are named in the results ("host3:nat").</param>
    /// <param name="host">The host's outside address: what the network sees as the containers' address.</param>
    /// <param name="containerByIp">The container that holds an inside address, or null.</param>
    /// <param name="category">Where the kernel doing the NAT runs: HostKernel on a host, GuestKernel in a VM.</param>
    public NatGateway(string path, string dropLocation, NatSettings settings, EndpointAddress host, IEnumerable<PublishedPort> published,
        Func<uint, EndpointAddress?> containerByIp, Processor processor, CpuCategory category, NatCosts costs) : base(path)
    {
        _table = new ConntrackTable(settings);
        _host = host;
        foreach (var p in published)
            if (!_published.TryAdd((p.Protocol, p.HostPort), p))
                throw new ArgumentException($"{path}: host port {p.HostPort} (protocol {p.Protocol}) is published twice", nameof(published));
        _containerByIp = containerByIp;
        _processor = processor;
        _category = category;
        _costs = costs;
        _drops = new DropLedger(dropLocation);
    }

    public ConntrackTable Conntrack => _table;

    public override void Start() => SetTimer(_table.Settings.GcIntervalMin, GcTimer);

    public override void OnTimer(int timer, int token, in Packet carried) => SetTimer(_table.Collect(Now), GcTimer);

    public override void Receive(int port, in Packet packet)
    {
        var fromInside = port == InsidePort;
        var tuple = ConntrackTuple.Of(in packet.Headers);
        var cost = _costs.Traversal + _costs.Lookup;
        var entry = _table.Find(in tuple, Now, out var isReply);
        if (entry is not null)
        {
            // A tuple seen at the wrong side (a spoofed inside address arriving from outside) belongs to no connection.
            if (entry.OpenedInside != isReply != fromInside)
            {
                Drop(ref _noMatch, in packet, cost);
                return;
            }
            _table.Seen(entry, isReply, Now);
        }
        else
        {
            var refused = fromInside ? OpenOutbound(in tuple, out entry) : OpenPublished(in tuple, out entry);
            if (refused is { } counter)
            {
                Drop(ref Counter(counter), in packet, cost);
                return;
            }
            cost += _costs.NewEntry;
            _newConnections++;
        }
        Forward(entry!, fromInside, in packet, cost);
    }

    /// <summary>Why a new connection was refused; each has its counter.</summary>
    private enum Refusal { NoMatch, ConntrackFull, NoFreePort }

    /// <summary>MASQUERADE: a container's new connection leaves with the host's address and a port free for its remote end (null: added).</summary>
    private Refusal? OpenOutbound(in ConntrackTuple tuple, out ConntrackEntry? entry)
    {
        entry = null;
        if (_containerByIp(tuple.SourceIp) is not { } container) return Refusal.NoMatch;
        if (!_table.MakeRoom(tuple.Hash(), Now)) return Refusal.ConntrackFull;
        if (SourcePort(in tuple) is not { } port) return Refusal.NoFreePort;
        entry = new ConntrackEntry(tuple, new ConntrackTuple(tuple.DestinationIp, _host.Ipv4, tuple.DestinationPort, port, tuple.Protocol),
            NatKind.Masquerade, container, Now);
        _table.Add(entry);
        return null;
    }

    /// <summary>DNAT: a new connection to a published port goes to its container's port (null: added).</summary>
    private Refusal? OpenPublished(in ConntrackTuple tuple, out ConntrackEntry? entry)
    {
        entry = null;
        if (tuple.DestinationIp != _host.Ipv4 || !_published.TryGetValue((tuple.Protocol, tuple.DestinationPort), out var published))
            return Refusal.NoMatch;
        if (!_table.MakeRoom(tuple.Hash(), Now)) return Refusal.ConntrackFull;
        var reply = new ConntrackTuple(published.Container.Ipv4, tuple.SourceIp, published.ContainerPort, tuple.SourcePort, tuple.Protocol);
        // DNAT cannot move the port: a reply tuple already taken (the container talks to this client from that port) is a clash.
        if (_table.InUse(in reply, Now)) return Refusal.NoMatch;
        entry = new ConntrackEntry(tuple, reply, NatKind.Published, published.Container, Now);
        _table.Add(entry);
        return null;
    }

    /// <summary>
    /// The outside source port of a masqueraded connection: the container's own if no entry uses it towards the same
    /// remote end, else the first free one of its class from the class's rover; null if the class is exhausted.
    /// </summary>
    private ushort? SourcePort(in ConntrackTuple tuple)
    {
        var reply = new ConntrackTuple(tuple.DestinationIp, _host.Ipv4, tuple.DestinationPort, tuple.SourcePort, tuple.Protocol);
        if (!_table.InUse(in reply, Now)) return tuple.SourcePort;
        var (cls, min, size) = tuple.SourcePort switch
        {
            < 512 => (0, 1, 511),
            < 1024 => (1, 600, 424),
            _ => (2, 1024, 64_512),
        };
        var off = _rovers[cls];
        for (var i = 0; i < size; i++, off++)
        {
            var port = (ushort)(min + off % size);
            if (_table.InUse(reply with { DestinationPort = port }, Now)) continue;
            _rovers[cls] = off;
            return port;
        }
        return null;
    }

    private void Forward(ConntrackEntry entry, bool fromInside, in Packet packet, StepCost cost)
    {
        var done = Charge(in packet, cost);
        var forwarded = packet;
        ref var h = ref forwarded.Headers;
        if (fromInside)
        {
            // Inside to outside: the packet takes the inverse of the tuple replies from outside carry.
            var t = (entry.OpenedInside ? entry.Reply : entry.Original).Inverse();
            (h.SourceIp, h.DestinationIp, h.SourcePort, h.DestinationPort) = (t.SourceIp, t.DestinationIp, t.SourcePort, t.DestinationPort);
            h.SourceMac = _host.Mac;
            _packetsOut++;
        }
        else
        {
            var t = (entry.OpenedInside ? entry.Original : entry.Reply).Inverse();
            (h.SourceIp, h.DestinationIp, h.SourcePort, h.DestinationPort) = (t.SourceIp, t.DestinationIp, t.SourcePort, t.DestinationPort);
            h.DestinationMac = entry.Container.Mac;
            forwarded.DestinationEndpoint = entry.Container.Id;
            _packetsIn++;
        }
        forwarded.FlowHash = h.FlowHash();
        EmitAt(done, fromInside ? OutsidePort : InsidePort, in forwarded);
    }

    private long Charge(in Packet packet, StepCost cost)
    {
        _cycles += cost.Cycles(packet.PayloadBytes);
        return _processor.Run(Now, cost, packet.PayloadBytes, _category, packet.FlowHash);
    }

    private void Drop(ref long counter, in Packet packet, StepCost cost)
    {
        Charge(in packet, cost);
        counter++;
        _drops.Drop(packet.FlowId, packet.PayloadBytes);
    }

    private ref long Counter(Refusal refusal)
    {
        switch (refusal)
        {
            case Refusal.ConntrackFull: return ref _conntrackFull;
            case Refusal.NoFreePort: return ref _noFreePort;
            default: return ref _noMatch;
        }
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _drops.Report(results);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["packets_out"] = _packetsOut;
        counters["packets_in"] = _packetsIn;
        counters["new_connections"] = _newConnections;
        counters["entries"] = _table.Count;
        counters["expired"] = _table.Expired;
        counters["early_drops"] = _table.EarlyDrops;
        counters["conntrack_full"] = _conntrackFull;
        counters["no_match"] = _noMatch;
        counters["no_free_port"] = _noFreePort;
        counters["dropped_packets"] = _drops.Packets;
        counters["cycles"] = _cycles;
    }
}
