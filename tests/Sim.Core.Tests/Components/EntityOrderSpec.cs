using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Components;

/// <summary>
/// Components that belong to an entity's <see cref="EventSource"/> (a VM, a container): their events are ordered by (entity
/// id, entity sequence) wherever the entity is built; and <see cref="Component"/>'s internal delay (ReceiveAt).
/// </summary>
public sealed class EntityOrderSpec
{
    private const long Us = SimTime.Microsecond;

    /// <summary>Every event handled in the partition, in handling order: (LP, component path, time, order key).</summary>
    private sealed class Log : List<(int Lp, string Path, long Time, long Order)>;

    /// <summary>An LP that logs each event before its component handles it.</summary>
    private sealed class LoggingLp(int id, Log log) : ComponentLp(id, $"lp{id}")
    {
        public override void Handle(ref SimEvent e)
        {
            log.Add((Id, Components[e.Component].Path, e.Time, e.Order));
            base.Handle(ref e);
        }
    }

    /// <summary>Sets three timers at 1 us at start; when each fires, one more at 2 us.</summary>
    private sealed class Ticker(string path) : Component(path)
    {
        public override string Kind => "ticker";

        public override void Start()
        {
            for (var i = 0; i < 3; i++) SetTimer(Us, 0, i);
        }

        public override void OnTimer(int timer, int token, in Packet carried)
        {
            if (timer == 0) SetTimer(2 * Us, 1, token);
        }

        public override void Receive(int port, in Packet packet) { }
    }

    /// <summary>
    /// A partition of <paramref name="lpCount"/> LPs; each LP gets a ticker of its own; the VM ticker (entity 10) is built into
    /// LP <paramref name="vmLp"/> and the container ticker (entity 11) into LP <paramref name="containerLp"/>.
    /// </summary>
    private static Log Run(int lpCount, int vmLp, int containerLp)
    {
        var log = new Log();
        var partition = new Partition(0, 1, new int[lpCount]);
        var lps = Enumerable.Range(0, lpCount).Select(i => new LoggingLp(i, log)).ToArray();
        foreach (var lp in lps) lp.Add(new Ticker($"lp{lp.Id}/own"));
        lps[vmLp].Add(new Ticker("vm")).BelongTo(new EventSource(10));
        lps[containerLp].Add(new Ticker("container")).BelongTo(new EventSource(11));
        foreach (var lp in lps) partition.Add(lp);
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        return log;
    }

    private static List<(string Path, long Time, long Order)> Of(Log log, string path) =>
        log.Where(e => e.Path == path).Select(e => (e.Path, e.Time, e.Order)).ToList();

    [Fact]
    public void An_entity_must_keep_its_order_keys_when_built_into_another_LP()
    {
        // act: the VM in LP 0, then in LP 2 of three
        var first = Run(lpCount: 1, vmLp: 0, containerLp: 0);
        var moved = Run(lpCount: 3, vmLp: 2, containerLp: 1);

        // assert: the same events with the same keys, (source 10, sequence 0..5), in the same order
        var vm = Of(first, "vm");
        Assert.Equal(vm, Of(moved, "vm"));
        Assert.Equal(Enumerable.Range(0, 6).Select(s => SimEvent.MakeOrder(10, s)), vm.Select(e => e.Order));
        Assert.Equal([Us, Us, Us, 2 * Us, 2 * Us, 2 * Us], vm.Select(e => e.Time));
        Assert.Equal(2, moved.Single(e => e.Path == "vm" && e.Order == SimEvent.MakeOrder(10, 0)).Lp);
    }

    [Fact]
    public void Two_entities_must_keep_their_relative_order_whichever_LPs_hold_them()
    {
        // act: the VM before the container in LP order, then after it
        var vmFirst = Run(lpCount: 2, vmLp: 0, containerLp: 1);
        var vmLast = Run(lpCount: 2, vmLp: 1, containerLp: 0);

        // assert: at each instant the VM's (entity 10) events come before the container's (11), after the LPs' own
        string[] Entities(Log log) => log.Where(e => !e.Path.EndsWith("/own")).Select(e => e.Path).ToArray();
        string[] expected = ["vm", "vm", "vm", "container", "container", "container", "vm", "vm", "vm", "container", "container", "container"];
        Assert.Equal(expected, Entities(vmFirst));
        Assert.Equal(expected, Entities(vmLast));
        Assert.Equal(["lp0/own", "lp0/own", "lp0/own", "lp1/own", "lp1/own", "lp1/own", "vm"], vmLast.Take(7).Select(e => e.Path));
    }

    [Fact]
    public void An_entity_source_must_refuse_an_id_outside_the_order_key()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventSource(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventSource(EventSource.MaxSources));
        var source = new EventSource(EventSource.MaxSources - 1);
        Assert.Equal(SimEvent.MakeOrder(EventSource.MaxSources - 1, 0), source.NextOrder());
        Assert.Equal(1, source.Created);
    }

    /// <summary>Holds each packet arriving at port 0 for 5 us inside itself (a DMA), then records it at port 1.</summary>
    private sealed class Device(string path) : Component(path)
    {
        public override string Kind => "device";

        public List<(long Time, long Flow)> Done { get; } = [];
        public override void Start() => SetTimer(Us, 0);
        public override void OnTimer(int timer, int token, in Packet carried) =>
            Receive(0, new Packet { FlowId = 9, PayloadBytes = 64 });
        public override void Receive(int port, in Packet packet)
        {
            if (port == 0) ReceiveAt(Now + 5 * Us, 1, in packet);
            else Done.Add((Now, packet.FlowId));
        }
    }

    [Fact]
    public void A_packet_held_by_ReceiveAt_must_count_in_flight_until_it_reaches_the_port_under_the_components_order()
    {
        // arrange: the device belongs to entity 12
        var log = new Log();
        var partition = new Partition(0, 1, [0]);
        var lp = new LoggingLp(0, log);
        var device = lp.Add(new Device("box/dev"));
        device.BelongTo(new EventSource(12));
        partition.Add(lp);
        partition.Start();

        // act + assert: at 3 us the packet is inside the device, in flight; at 6 us it has arrived at port 1
        partition.RunUntil(3 * Us);
        var during = partition.Report(3 * Us);
        Assert.Equal((1, 64), (during.Flows[9].InFlightPackets, during.Flows[9].InFlightBytes));
        Assert.Empty(device.Done);
        partition.RunUntil(6 * Us + 1);
        Assert.False(partition.Report(6 * Us + 1).Flows.ContainsKey(9));
        Assert.Equal([(6 * Us, 9L)], device.Done);
        Assert.Equal(SimEvent.MakeOrder(12, 1), log[^1].Order);
    }
}
