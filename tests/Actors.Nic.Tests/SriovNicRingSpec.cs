using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsNic.Tests.SriovRig;

namespace DcSim.ActorsNic.Tests;

/// <summary>
/// The SR-IOV NIC's rings, rates and interrupts on an 82599-class part (10 Gb/s, PCIe 2.0 x8 = 32 Gb/s of DMA each way,
/// 1 us of DMA latency, 48 B of PCIe overhead a frame). A 64 B frame is 84 B on the wire (67.2 ns at 10 Gb/s) and 112 B
/// over PCIe (28 ns); a 1000 B payload is a 1046 B frame, 1066 B on the wire, 1094 B over PCIe.
/// </summary>
public sealed class SriovNicRingSpec
{
    private static readonly SriovNicModel Model = SriovNicModel.Intel82599;
    private const int MinPayload = 18; // a 64 B frame
    private static readonly ulong Far = 0x02_00_00_00_99_99UL;

    [Fact]
    public void A_full_receive_ring_must_drop_and_count_per_VF_and_drain_as_the_driver_takes_frames()
    {
        // arrange: an 8-descriptor ring whose driver needs 1 ms a frame (1e6 cycles at 1 GHz); 20 frames in 1.4 us, and
        // one more at 50 ms, when the driver has taken the first 8
        var rig = new SriovRig(Model with { RxRingSize = 8 }, [new VfSettings(VfMac(0), Coalescing: InterruptCoalescing.PerFrame)]);
        var vcpu = new ServerCpu(1, 1_000_000_000);
        rig.Nic.AttachDriver(SriovNic.VfPort(0), new RingDriver(new HostCores(vcpu), new StepCost(1_000_000), CpuCategory.GuestKernel));
        for (var i = 0; i < 20; i++) rig.Leaf.SendAt(0, Frame(1, Far, VfMac(0), MinPayload, sequence: i));
        rig.Leaf.SendAt(50 * SimTime.Millisecond, Frame(2, Far, VfMac(0), MinPayload));

        // act
        var results = rig.Run(100 * SimTime.Millisecond);

        // assert: 8 admitted, 12 dropped; the late frame finds the ring drained
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 0], rig.Vfs[0].Received.Select(r => r.Packet.Sequence));
        var c = results.Components["host1/nic0"];
        Assert.Equal((12, 9), (c["vf0_rx_ring_drops"], c["vf0_rx_packets"]));
        Assert.Equal(12, results.Flows[1].DropsAt["host1/nic0/vf0:ring-full"]);
        Assert.Equal(9_000_000L, vcpu.CyclesIn(CpuCategory.GuestKernel));
    }

    [Fact]
    public void A_VF_rate_limit_must_hold_its_transmit_throughput_to_the_limit()
    {
        // arrange: 1 Gb/s on vf0, which posts 400 frames of 1000 B at once
        var rig = new SriovRig(Model, [new VfSettings(VfMac(0), TxRateBps: 1_000_000_000)]);
        for (var i = 0; i < 400; i++) rig.Vfs[0].SendAt(0, Frame(1, VfMac(0), Far, sequence: i));

        // act
        var results = rig.Run(10 * SimTime.Millisecond);

        // assert: wire bits per second between the first and last arrival at the leaf
        var times = rig.Leaf.Arrivals.Select(a => a.Time).ToList();
        Assert.Equal(400, times.Count);
        var bps = 399 * 1066 * 8 / SimTime.ToSeconds(times[^1] - times[0]);
        Assert.InRange(bps / 1e9, 0.99, 1.01);
        Assert.Equal(399, results.Components["host1/nic0"]["vf0_rate_limit_delayed"]);
    }

    [Fact]
    public void The_DMA_budget_must_cap_the_throughput_of_all_functions_together()
    {
        // arrange: a PCIe 1.0 x1 link (2 Gb/s each way) under a 10 Gb/s port; 1000 frames of 1000 B from the wire at line
        // rate, alternately for vf0 and vf1
        var rig = new SriovRig(Model with { PcieGeneration = 1, PcieLanes = 1, RxRingSize = 4096 },
            [new VfSettings(VfMac(0), Coalescing: InterruptCoalescing.PerFrame), new VfSettings(VfMac(1), Coalescing: InterruptCoalescing.PerFrame)]);
        for (var i = 0; i < 1000; i++) rig.Leaf.SendAt(0, Frame(1, Far, VfMac(i % 2), sequence: i));

        // act
        var results = rig.Run(10 * SimTime.Millisecond);

        // assert: one frame every 1094 B at 2 Gb/s = 4376 ns, whichever VF it is for, against 852.8 ns on the wire
        var times = rig.Vfs.SelectMany(v => v.Received).Select(r => r.Time).Order().ToList();
        Assert.Equal(1000, times.Count);
        Assert.All(times.Zip(times.Skip(1)), t => Assert.Equal(4_376_000, t.Second - t.First));
        var dmaBps = 999 * 1094 * 8 / SimTime.ToSeconds(times[^1] - times[0]);
        Assert.InRange(dmaBps / 2e9, 0.99, 1.0);
        Assert.Equal(1000 * 1094, results.Components["host1/nic0"]["dma_write_bytes"]);
    }

    [Fact]
    public void Frames_within_the_coalescing_time_must_raise_one_interrupt()
    {
        // arrange: 10 us or 64 frames; 5 frames 1 us apart; the first lands at 67.2 + 1000 (wire) + 28 + 1000 (DMA) ns
        var rig = new SriovRig(Model, [new VfSettings(VfMac(0), Coalescing: new InterruptCoalescing(10 * Us, 64))]);
        for (var i = 0; i < 5; i++) rig.Leaf.SendAt(i * Us, Frame(1, Far, VfMac(0), MinPayload, sequence: i));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: all five reach the guest together, 10 us after the first landed
        Assert.Equal(Enumerable.Repeat(12_095_200L, 5), rig.Vfs[0].Received.Select(r => r.Time));
        Assert.Equal(1, results.Components["host1/nic0"]["vf0_interrupts"]);
    }

    [Fact]
    public void The_frame_threshold_must_interrupt_before_the_coalescing_time()
    {
        // arrange: 10 us or 4 frames; 5 frames back to back land 67.2 ns apart from 2095.2 ns
        var rig = new SriovRig(Model, [new VfSettings(VfMac(0), Coalescing: new InterruptCoalescing(10 * Us, 4))]);
        for (var i = 0; i < 5; i++) rig.Leaf.SendAt(0, Frame(1, Far, VfMac(0), MinPayload, sequence: i));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: the fourth landing interrupts at once; the fifth waits out the time
        Assert.Equal([.. Enumerable.Repeat(2_296_800L, 4), 12_364_000L], rig.Vfs[0].Received.Select(r => r.Time));
        Assert.Equal(2, results.Components["host1/nic0"]["vf0_interrupts"]);
    }

    [Fact]
    public void Frames_landing_while_the_driver_polls_must_be_taken_without_an_interrupt()
    {
        // arrange: an interrupt per frame, a driver needing 1 us a frame; 10 frames land 67.2 ns apart from 2095.2 ns
        var rig = new SriovRig(Model, [new VfSettings(VfMac(0), Coalescing: InterruptCoalescing.PerFrame)]);
        rig.Nic.AttachDriver(SriovNic.VfPort(0), new RingDriver(new HostCores(new ServerCpu(1, 1_000_000_000)), new StepCost(1_000), CpuCategory.GuestKernel));
        for (var i = 0; i < 10; i++) rig.Leaf.SendAt(0, Frame(1, Far, VfMac(0), MinPayload, sequence: i));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: the first frame's interrupt starts a poll that takes the other nine, one a microsecond
        Assert.Equal(Enumerable.Range(1, 10).Select(k => 2_095_200 + k * Us), rig.Vfs[0].Received.Select(r => r.Time));
        Assert.Equal(1, results.Components["host1/nic0"]["vf0_interrupts"]);
    }

    [Theory]
    [InlineData(false, 6_000)]
    [InlineData(true, 0)]
    public void Posted_interrupts_must_spare_the_VM_exit_of_each_interrupt(bool posted, long hypervisorCycles)
    {
        // arrange: 2000 cycles of exit and injection per interrupt, 100 per frame; three frames 10 us apart, an interrupt each
        var rig = new SriovRig(Model, [new VfSettings(VfMac(0), Coalescing: InterruptCoalescing.PerFrame, PostedInterrupts: posted)]);
        var vcpu = new ServerCpu(1, 2_000_000_000);
        rig.Nic.AttachDriver(SriovNic.VfPort(0), new RingDriver(new HostCores(vcpu), new StepCost(100), CpuCategory.GuestKernel, InterruptExitCycles: 2_000));
        for (var i = 0; i < 3; i++) rig.Leaf.SendAt(i * 10 * Us, Frame(1, Far, VfMac(0), MinPayload, sequence: i));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal(3, rig.Vfs[0].Received.Count);
        Assert.Equal((hypervisorCycles, 300L), (vcpu.CyclesIn(CpuCategory.Hypervisor), vcpu.CyclesIn(CpuCategory.GuestKernel)));
        Assert.Equal(posted, rig.Nic.UsesPostedInterrupts(0));
        Assert.Equal(3, results.Components["host1/nic0"]["vf0_interrupts"]);
    }

    [Theory]
    [InlineData("82599", 14_880_952)]
    [InlineData("xl710", 59_523_810)]
    public void Minimum_frames_at_line_rate_must_all_reach_a_VF_whose_driver_keeps_up(string model, double mpps)
    {
        // arrange: a millisecond's worth of 64 B frames back to back; the driver needs 40 cycles a frame at 3 GHz
        // (13.3 ns), less than a frame's 67.2 ns (16.8 ns at 40 Gb/s)
        var part = SriovNicModel.Known[model];
        var frames = (int)(mpps / 1000);
        var rig = new SriovRig(part, [new VfSettings(VfMac(0))]);
        var vcpu = new ServerCpu(1, 3_000_000_000);
        rig.Nic.AttachDriver(SriovNic.VfPort(0), new RingDriver(new HostCores(vcpu), new StepCost(40), CpuCategory.GuestKernel));
        for (var i = 0; i < frames; i++) rig.Leaf.SendAt(0, Frame(1, Far, VfMac(0), MinPayload, sequence: i));

        // act
        var results = rig.Run(10 * SimTime.Millisecond);

        // assert: all delivered in order, at the wire's rate (from the first delivery to the 64th from last: the last few
        // wait out the coalescing time; interrupts batch deliveries, so within 0.3 %); each interrupt takes at least the
        // 32 frames that raised it, the ones landing while it polls join it
        var received = rig.Vfs[0].Received;
        Assert.Equal(frames, received.Count);
        Assert.True(received.Select(r => r.Packet.Sequence).SequenceEqual(Enumerable.Range(0, frames)));
        var pps = (frames - 64) / SimTime.ToSeconds(received[^64].Time - received[0].Time);
        Assert.InRange(pps / mpps, 0.997, 1.003);
        var c = results.Components["host1/nic0"];
        Assert.Equal(0, c["vf0_rx_ring_drops"]);
        Assert.InRange(c["vf0_interrupts"], 1, frames / 32 + 1);
    }
}
