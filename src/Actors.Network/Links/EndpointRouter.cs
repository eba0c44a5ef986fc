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
public sealed class EndpointRouter(string path, string dropLocation) : Component(path, "kernel")
{
    public const int UplinkPort = 0;

    private readonly Dictionary<int, int> _portOf = new();
    private readonly DropLedger _notForMe = new(dropLocation);
    private int _ports = 1;
    private long _inbound, _outbound, _local;

    /// <summary>Adds a local port that owns <paramref name="endpoints"/>; returns its number for the builder to wire.</summary>
    public int AddPort(IEnumerable<int> endpoints)
    {
        var port = _ports++;
        foreach (var e in endpoints) _portOf.Add(e, port);
        return port;
    }

    public override void Receive(int port, in Packet packet)
    {
        var owner = _portOf.GetValueOrDefault(packet.DestinationEndpoint, UplinkPort);
        if (port == UplinkPort)
        {
            if (owner == UplinkPort)
            {
                _notForMe.Drop(packet.FlowId, packet.PayloadBytes);
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
        _notForMe.Report(results);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["inbound"] = _inbound;
        counters["outbound"] = _outbound;
        counters["local"] = _local;
        counters["not_for_me"] = _notForMe.Packets;
    }
}
