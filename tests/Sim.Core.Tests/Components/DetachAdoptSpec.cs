using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Components;

/// <summary>A group of components leaving one LP with its pending events and wiring, and joining another (a VM migrating).</summary>
public sealed class DetachAdoptSpec
{
    /// <summary>Pings its peer every 10 µs from time 0 through port 0 (1 µs hop) and logs what comes back, with the LP it was in.</summary>
    private sealed class Pinger(string path) : Component(path)
    {
        public override string Kind => "pinger";

        public List<(long Time, string Lp)> Fired { get; } = [];
        public List<(long Time, string Lp)> Echoed { get; } = [];
        public override void Start() => SetTimer(0, 0);
        public override void Receive(int port, in Packet packet) => Echoed.Add((Now, Owner.Name));
        public override void OnTimer(int timer, int token, in Packet carried)
        {
            Fired.Add((Now, Owner.Name));
            EmitAt(Now + SimTime.Microsecond, 0, new Packet { FlowId = 7 });
            SetTimer(Now + 10 * SimTime.Microsecond, 0);
        }
    }

    /// <summary>Sends back what it receives, at once.</summary>
    private sealed class Mirror(string path) : Component(path)
    {
        public override string Kind => "mirror";

        public override void Receive(int port, in Packet packet) => Emit(port, in packet);
    }

    /// <summary>At <paramref name="at"/>, takes <paramref name="group"/> out of its LP and hands it to <paramref name="to"/>, due at <paramref name="resumeAt"/>.</summary>
    private sealed class Mover(string path, long at, IReadOnlyList<Component> group, ComponentLp to, long resumeAt) : Component(path)
    {
        public override string Kind => "mover";

        public override void Start() => SetTimer(at, 0);
        public override void Receive(int port, in Packet packet) { }
        public override void OnTimer(int timer, int token, in Packet carried) => to.Adopt(Owner.Detach(group), resumeAt);
    }

    [Fact]
    public void A_group_must_carry_its_pending_events_and_wires_to_the_new_LP_and_resume_them_in_order()
    {
        // arrange: pinger and mirror in LP a; they move at 25 us to LP b, resuming at 52 us
        var partition = new Partition(0, 1, [0, 0]);
        var a = new ComponentLp(0, "a");
        var b = new ComponentLp(1, "b");
        var pinger = a.Add(new Pinger("vm/pinger"));
        var mirror = a.Add(new Mirror("vm/mirror"));
        a.Connect(pinger, 0, mirror, 0);
        a.Add(new Mover("host/mover", 25 * SimTime.Microsecond, [pinger, mirror], b, 52 * SimTime.Microsecond));
        foreach (var lp in new LogicalProcess[] { a, b }) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(100 * SimTime.Microsecond);

        // assert: fired at 0, 10, 20 in a; frozen from 25 to 52 us, its timeline shifts by 27 us: the timer due at 30 us fires at 57 us in b
        Assert.Equal([(0, "a"), (10_000_000, "a"), (20_000_000, "a"), (57_000_000, "b"), (67_000_000, "b"), (77_000_000, "b"),
            (87_000_000, "b"), (97_000_000, "b")], pinger.Fired);
        Assert.Equal([(1_000_000, "a"), (11_000_000, "a"), (21_000_000, "a"), (58_000_000, "b"), (68_000_000, "b"), (78_000_000, "b"),
            (88_000_000, "b"), (98_000_000, "b")], pinger.Echoed);
        // a keeps stand-ins at the group's indices, so its other numbering is unchanged; b numbers the group after its own
        Assert.Equal(["vm/pinger#moved", "vm/mirror#moved", "host/mover"], a.Components.Select(c => c.Path));
        Assert.Equal([pinger, mirror], b.Components);
        Assert.Equal(0, pinger.Index);
    }

    /// <summary>Sets a timer due at 30 us at start; at 20 us a packet to itself arrives at 28 us.</summary>
    private sealed class Waiter(string path) : Component(path)
    {
        public override string Kind => "waiter";

        public List<(long Time, string What)> Seen { get; } = [];
        public override void Start()
        {
            SetTimer(30 * SimTime.Microsecond, 0);
            SetTimer(20 * SimTime.Microsecond, 1);
        }
        public override void Receive(int port, in Packet packet) => Seen.Add((Now, "packet"));
        public override void OnTimer(int timer, int token, in Packet carried)
        {
            if (timer == 1) ReceiveAt(28 * SimTime.Microsecond, 0, new Packet { FlowId = 1 });
            else Seen.Add((Now, "timer"));
        }
    }

    [Fact]
    public void Events_that_fell_due_while_frozen_must_keep_their_order()
    {
        // arrange: the waiter freezes at 25 us and resumes at 50 us: its packet (due 28) before its timer (due 30), though the timer is older
        var partition = new Partition(0, 1, [0, 0]);
        var a = new ComponentLp(0, "a");
        var b = new ComponentLp(1, "b");
        var waiter = a.Add(new Waiter("vm/waiter"));
        a.Add(new Mover("host/mover", 25 * SimTime.Microsecond, [waiter], b, 50 * SimTime.Microsecond));
        foreach (var lp in new LogicalProcess[] { a, b }) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(100 * SimTime.Microsecond);

        // assert
        Assert.Equal([(53_000_000, "packet"), (55_000_000, "timer")], waiter.Seen);
    }

    [Fact]
    public void Detaching_a_group_still_wired_outside_it_must_be_refused()
    {
        var partition = new Partition(0, 1, [0]);
        var a = new ComponentLp(0, "a");
        var pinger = a.Add(new Pinger("vm/pinger"));
        var mirror = a.Add(new Mirror("host/mirror"));
        a.Connect(pinger, 0, mirror, 0);
        partition.Add(a);
        var error = Assert.Throws<InvalidOperationException>(() => a.Detach([pinger]));
        Assert.Contains("still wired to host/mirror", error.Message);
    }
}
