using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Servers;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// The edge of a migrating VM's state: what is dropped, what is bound to the destination's own objects, and what must never be
/// dragged along — each refusal naming the field that reached it.
/// </summary>
public sealed class VmBoundarySpec
{
    /// <summary>A guest component with references a model component could hold.</summary>
    private sealed class Probe(string path) : Component(path)
    {
        public override string Kind => "probe";

        public object? Held;
        public override void Receive(int port, in Packet packet) { }
    }

    private static (Server Source, Probe Guest, DetachedComponents Detached) Leaving(object? held)
    {
        var source = new Server(0, "host0", new ServerCpu(4, 2_500_000_000));
        new Partition(0, 1, [0]).Add(source);
        var guest = source.Add(new Probe("host0/web-0/kernel") { Held = held });
        guest.BelongTo(new EventSource(100));
        return (source, guest, source.Detach([guest]));
    }

    private static Func<string, object?> Destination(Server server) =>
        VmBoundary.Arriving(server, null!, null!, new StartupContention(server.Cpu));

    [Fact]
    public void The_LP_must_be_dropped_and_the_server_s_CPU_bound_to_the_destination_s()
    {
        // arrange: the guest holds its source server's CPU (as a VM's vCPUs do)
        var (source, _, detached) = Leaving(null);
        var probe = (Probe)detached.Components[0];
        probe.Held = source.Cpu;
        var destination = new Server(2, "host2", new ServerCpu(8, 2_500_000_000));

        // act
        var arrived = MigrationParcel.Open<VmInTransit>(MigrationParcel.Pack(new VmInTransit(detached, null!), source), Destination(destination));

        // assert: the component is not in any LP until adopted, and its CPU is the destination's
        var moved = (Probe)arrived.Guest.Components[0];
        Assert.NotSame(probe, moved);
        Assert.Same(destination.Cpu, moved.Held);
        Assert.Equal(100, moved.Events.Id);
        Assert.Throws<InvalidOperationException>(() => moved.Owner);
    }

    [Fact]
    public void A_component_left_behind_must_not_travel_and_the_error_must_name_the_field()
    {
        // arrange: the guest refers to a component of its source server (its vNIC, say)
        var (source, _, detached) = Leaving(null);
        var vnic = source.Add(new Probe("host0/web-0/eth0"));
        ((Probe)detached.Components[0]).Held = vnic;

        // act
        var ex = Assert.Throws<CheckpointException>(() => MigrationParcel.Pack(new VmInTransit(detached, null!), source));

        // assert
        Assert.Contains("host0/web-0/eth0 stays on the source server", ex.Message);
        Assert.Contains("Probe.Held", ex.Message);
    }

    [Fact]
    public void The_source_LP_s_event_order_and_partition_objects_must_be_refused()
    {
        // arrange
        var (source, _, detached) = Leaving(null);
        var probe = (Probe)detached.Components[0];
        var vmOrder = probe.Events;

        // act
        probe.BelongTo(source.Events);
        var order = Assert.Throws<CheckpointException>(() => MigrationParcel.Pack(new VmInTransit(detached, null!), source));
        probe.BelongTo(vmOrder);
        probe.Held = new MigrationHandoff();
        var handoff = Assert.Throws<CheckpointException>(() => MigrationParcel.Pack(new VmInTransit(detached, null!), source));

        // assert
        Assert.Contains("orders its events by its server's source (LP host0)", order.Message);
        Assert.Contains("the partition's MigrationHandoff", handoff.Message);
    }

    [Fact]
    public void An_unknown_token_must_be_an_error_naming_it()
    {
        var server = new Server(2, "host2", new ServerCpu(8, 2_500_000_000));
        var ex = Assert.Throws<InvalidOperationException>(() => Destination(server)("gpu"));
        Assert.Contains("'gpu'", ex.Message);
    }
}
