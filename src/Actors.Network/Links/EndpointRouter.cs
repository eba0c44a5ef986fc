using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Links;

/// <summary>
/// A kernel's network namespace as seen by the packets that reach it: it hands each packet to the stack, container or
/// NAT that owns its destination, like the kernel's routing decision and socket lookup. Port 0 is the uplink (the
/// NIC, the host's port on its switch, or a VM's virtio NIC); ports 1.. lead to what the kernel holds.
/// </summary>
/// <remarks>
/// The decision is by the packet's destination endpoint: the same outcome as routing by destination address and
/// demultiplexing by port, since every endpoint's address is unique (a host-networked container shares its kernel's
/// address, and the socket lookup by port tells it apart). It costs no CPU of its own: the stacks, NAT and bridges
/// charge the kernel's work. A packet from inside for an endpoint of the same kernel stays inside (loopback through
/// the namespace); anything else from inside goes up. A packet from the uplink for an endpoint the kernel does not
/// hold — a copy a bridge flooded to every port — is dropped and counted, as a NIC filters frames not for it.
/// </remarks>
public sealed class EndpointRouter(string path, string dropLocation) : Component(path)
{
    public override string Kind => "kernel";

    public const int UplinkPort = 0;

    // Most kernels own one endpoint (a VM's own stack) or a few: a scan of a few pairs is as fast as a hash probe and takes
    // a fifth of a dictionary's memory, which counts with 100,000 VMs. A kernel with many containers moves to a dictionary.
    private const int ScanLimit = 8;
    private (int Endpoint, int Port)[] _owned = [];
    private Dictionary<int, int>? _portOf;
    // Made by the first frame not for this kernel.
    private DropLedger? _notForMe;
    private int _ports = 1;
    private long _inbound, _outbound, _local;

    /// <summary>Adds a local port that owns <paramref name="endpoints"/>; returns its number for the builder to wire.</summary>
    public int AddPort(IEnumerable<int> endpoints)
    {
        var port = _ports++;
        foreach (var e in endpoints) Own(e, port);
        return port;
    }

    private void Own(int endpoint, int port)
    {
        if (_portOf is null && _owned.Length < ScanLimit)
        {
            if (Array.FindIndex(_owned, o => o.Endpoint == endpoint) >= 0)
                throw new ArgumentException($"{Path}: endpoint {endpoint} already has a port", nameof(endpoint));
            Array.Resize(ref _owned, _owned.Length + 1);
            _owned[^1] = (endpoint, port);
            return;
        }
        if (_portOf is null)
        {
            _portOf = _owned.ToDictionary(o => o.Endpoint, o => o.Port);
            _owned = [];
        }
        _portOf.Add(endpoint, port);
    }

    private int OwnerOf(int endpoint)
    {
        if (_portOf is not null) return _portOf.GetValueOrDefault(endpoint, UplinkPort);
        foreach (var (e, port) in _owned)
            if (e == endpoint) return port;
        return UplinkPort;
    }

    public override void Receive(int port, in Packet packet)
    {
        var owner = OwnerOf(packet.DestinationEndpoint);
        if (port == UplinkPort)
        {
            if (owner == UplinkPort)
            {
                (_notForMe ??= new DropLedger(dropLocation)).Drop(packet.FlowId, packet.PayloadBytes);
                return;
            }
            _inbound++;
            Emit(owner, in packet);
            return;
        }
        if (owner == UplinkPort) _outbound++;
        else _local++;
        Emit(owner, in packet);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _notForMe?.Report(results);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["inbound"] = _inbound;
        counters["outbound"] = _outbound;
        counters["local"] = _local;
        counters["not_for_me"] = _notForMe?.Packets ?? 0;
    }
}
