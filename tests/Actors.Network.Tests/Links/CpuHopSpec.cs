using DcSim.ActorsNetwork.Links;
using DcSim.ActorsNetwork.Tests.Bridges;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Links;

/// <summary>A veth pair as a <see cref="CpuHop"/> on one 2 GHz core (0.5 ns a cycle) with room for two packets.</summary>
public sealed class CpuHopSpec
{
    private const long Us = SimTime.Microsecond;
    private const long Ns = SimTime.Nanosecond;

    private sealed class Rig
    {
        private readonly Partition _partition = new(0, 1, [0]);

        /// <summary>A to B: 1000 + 0.5/B cycles (100 B: 1050 = 525 ns); B to A: <paramref name="bToA"/>, else 400 cycles (200 ns).</summary>
        public Rig(StepCost? bToA = null)
        {
            Cpu = new ServerCpu(1, 2_000_000_000, maxBacklog: 2);
            var lp = new ComponentLp(0, "host7");
            A = lp.Add(new Station("host7/container"));
            Hop = lp.Add(new CpuHop("host7/veth0", "veth", new HostCores(Cpu), CpuCategory.HostKernel, new StepCost(1_000, 0.5), bToA ?? new StepCost(400)));
            B = lp.Add(new Station("host7/docker0"));
            lp.Connect(A, 0, Hop, CpuHop.PortA);
            lp.Connect(B, 0, Hop, CpuHop.PortB);
            _partition.Add(lp);
        }

        public ServerCpu Cpu { get; }
        public Station A { get; }
        public CpuHop Hop { get; }
        public Station B { get; }

        public ResultsBuilder Run()
        {
            _partition.Start();
            _partition.RunUntil(SimTime.Millisecond);
            return _partition.Report(SimTime.Millisecond);
        }
    }

    private static Packet Packet(long flow) => new() { FlowId = flow, PayloadBytes = 100, FlowHash = (uint)flow };

    [Fact]
    public void A_hop_must_charge_each_direction_its_own_cost()
    {
        // arrange
        var rig = new Rig();
        rig.A.SendAt(0, Packet(1));
        rig.B.SendAt(10 * Us, Packet(2));

        // act
        var results = rig.Run();

        // assert
        Assert.Equal([525 * Ns], rig.B.Received.Select(r => r.Time));
        Assert.Equal([10_200 * Ns], rig.A.Received.Select(r => r.Time));
        Assert.Equal(1_450, rig.Cpu.CyclesIn(CpuCategory.HostKernel));
        var c = results.Components["host7/veth0"];
        Assert.Equal((2, 1_450, 0), (c["packets"], c["cycles"], c["dropped_backlog"]));
    }

    [Fact]
    public void A_hop_must_drop_a_packet_that_finds_the_backlog_full_and_count_it_at_PATH_backlog()
    {
        // arrange: three packets at once; the first two fill the backlog until 525 ns
        var rig = new Rig();
        for (var f = 1; f <= 3; f++) rig.A.SendAt(0, Packet(f));
        rig.A.SendAt(525 * Ns, Packet(4));

        // act
        var results = rig.Run();

        // assert: 1 and 2 back to back, 3 dropped, 4 finds one place free and queues behind 2 (done at 1050 ns)
        Assert.Equal([(525 * Ns, 1L), (1_050 * Ns, 2L), (1_575 * Ns, 4L)], rig.B.Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal(1, results.Flows[3].DropsAt["host7/veth0:backlog"]);
        Assert.Equal(1, results.Flows[3].DroppedPackets);
        var c = results.Components["host7/veth0"];
        Assert.Equal((4, 3 * 1_050, 1), (c["packets"], c["cycles"], c["dropped_backlog"]));
    }

    [Fact]
    public void A_free_direction_must_pass_at_once_even_when_the_core_is_full()
    {
        // arrange: B to A costs nothing; A fills the core at 0, B sends at 0 too
        var rig = new Rig(bToA: StepCost.Free);
        rig.A.SendAt(0, Packet(1));
        rig.A.SendAt(0, Packet(2));
        rig.B.SendAt(0, Packet(3));

        // act
        rig.Run();

        // assert
        Assert.Equal([(0L, 3L)], rig.A.Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal(2, rig.B.Received.Count);
    }
}
