using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNic.Tests;

/// <summary>
/// A VM's virtio NIC between a host-side port and the guest kernel: the backend's work on a 1 GHz host (1 ns a cycle), the
/// kick and the interrupt on a 2 GHz vCPU (0.5 ns a cycle), drops when the next processor's backlog is full.
/// </summary>
public sealed class VirtioNicSpec
{
    private const long Us = SimTime.Microsecond;
    private const long Ns = SimTime.Nanosecond;

    /// <summary>
    /// To the guest: 2000 + 1/B kernel, 1000 user on the host, 4000 cycles of interrupt on the vCPU. From the guest: 3000 cycles
    /// of kick, then 1500 + 0.5/B kernel and 500 user on the host.
    /// </summary>
    private static readonly VirtioCosts Costs = new(
        ToGuestKernel: new StepCost(2_000, 1), ToGuestUser: new StepCost(1_000),
        FromGuestKernel: new StepCost(1_500, 0.5), FromGuestUser: new StepCost(500),
        KickCycles: 3_000, InterruptCycles: 4_000);

    /// <summary>Sends its packets at their times through port 0 and records what reaches it.</summary>
    private sealed class End(string path) : Component(path)
    {
        public override string Kind => "end";

        private readonly List<(long At, Packet Packet)> _schedule = [];
        public List<(long Time, long Flow)> Received { get; } = [];
        public void SendAt(long at, long flow, uint flowHash = 1) => _schedule.Add((at, Packet(flow) with { FlowHash = flowHash }));
        public override void Start()
        {
            for (var i = 0; i < _schedule.Count; i++) SetTimer(_schedule[i].At, 0, i);
        }
        public override void OnTimer(int timer, int token, in Packet carried) => Emit(0, _schedule[token].Packet);
        public override void Receive(int port, in Packet packet) => Received.Add((Now, packet.FlowId));
    }

    /// <summary>100 B of UDP between 10.0.0.1:40000 and 10.0.0.2:7; flow hash 1 puts the host's part on core 1.</summary>
    private static Packet Packet(long flow) => new()
    {
        FlowId = flow, PayloadBytes = 100, FlowHash = 1,
        Headers = new PacketHeaders { SourceIp = 0x0A00_0001, DestinationIp = 0x0A00_0002, SourcePort = 40000, DestinationPort = 7, Protocol = PacketHeaders.Udp },
    };

    private sealed class Rig
    {
        private readonly Partition _partition = new(0, 1, [0]);

        public Rig(int hostBacklog = 0, int vcpuBacklog = 0)
        {
            Host = new ServerCpu(2, 1_000_000_000, maxBacklog: hostBacklog);
            Vcpu = new ServerCpu(1, 2_000_000_000, maxBacklog: vcpuBacklog);
            var lp = new ComponentLp(0, "host3");
            Switch = lp.Add(new End("host3/br0"));
            var nic = lp.Add(new VirtioNic("host3/kvm-0/eth0", new HostCores(Host), new HostCores(Vcpu), Costs));
            Guest = lp.Add(new End("host3/kvm-0/kernel"));
            lp.Connect(Switch, 0, nic, VirtioNic.HostSide);
            lp.Connect(Guest, 0, nic, VirtioNic.GuestSide);
            _partition.Add(lp);
        }

        public ServerCpu Host { get; }
        public ServerCpu Vcpu { get; }
        public End Switch { get; }
        public End Guest { get; }

        public ResultsBuilder Run()
        {
            _partition.Start();
            _partition.RunUntil(SimTime.Millisecond);
            return _partition.Report(SimTime.Millisecond);
        }
    }

    [Fact]
    public void A_packet_to_the_guest_must_arrive_after_the_backend_on_the_host_then_the_interrupt_on_the_vCPU()
    {
        // arrange
        var rig = new Rig();
        rig.Switch.SendAt(10 * Us, 1);

        // act
        var results = rig.Run();

        // assert: 2100 + 1000 cycles at 1 GHz = 3.1 us, then 4000 at 2 GHz = 2 us
        Assert.Equal([(15_100 * Ns, 1L)], rig.Guest.Received);
        Assert.Equal((2_100L, 1_000L, 4_000L), (rig.Host.CyclesIn(CpuCategory.HostKernel), rig.Host.CyclesIn(CpuCategory.HostUser), rig.Vcpu.CyclesIn(CpuCategory.Hypervisor)));
        Assert.Equal((0L, 13_100 * Ns), (rig.Host.FreeAt(0), rig.Host.FreeAt(1)));
        var c = results.Components["host3/kvm-0/eth0"];
        Assert.Equal((1, 0, 3_100, 4_000), (c["packets_to_guest"], c["packets_from_guest"], c["host_cycles"], c["hypervisor_cycles"]));
    }

    [Fact]
    public void A_packet_from_the_guest_must_arrive_after_the_kick_on_the_vCPU_then_the_backend_on_the_host()
    {
        // arrange
        var rig = new Rig();
        rig.Guest.SendAt(20 * Us, 2);

        // act
        var results = rig.Run();

        // assert: 3000 cycles at 2 GHz = 1.5 us, then 1550 + 500 at 1 GHz = 2.05 us
        Assert.Equal([(23_550 * Ns, 2L)], rig.Switch.Received);
        Assert.Equal((1_550L, 500L, 3_000L), (rig.Host.CyclesIn(CpuCategory.HostKernel), rig.Host.CyclesIn(CpuCategory.HostUser), rig.Vcpu.CyclesIn(CpuCategory.Hypervisor)));
        var c = results.Components["host3/kvm-0/eth0"];
        Assert.Equal((0, 1, 2_050, 3_000), (c["packets_to_guest"], c["packets_from_guest"], c["host_cycles"], c["hypervisor_cycles"]));
    }

    [Fact]
    public void A_packet_to_the_guest_must_be_dropped_when_the_vCPU_backlog_is_full_but_not_for_a_full_host()
    {
        // arrange: room for one item on the vCPU and on each host core; two packets to the guest at once
        var rig = new Rig(hostBacklog: 1, vcpuBacklog: 1);
        rig.Switch.SendAt(10 * Us, 1);
        rig.Switch.SendAt(10 * Us, 3);

        // act
        var results = rig.Run();

        // assert: the first one's interrupt holds the vCPU's place until 15.1 us, so the second is dropped at the vNIC,
        // although the first one's kernel item also fills its host core
        Assert.Equal([(15_100 * Ns, 1L)], rig.Guest.Received);
        Assert.Equal(1, results.Flows[3].DropsAt["host3/kvm-0/eth0:full"]);
        var c = results.Components["host3/kvm-0/eth0"];
        Assert.Equal((1, 1, 4_000), (c["dropped_full"], c["packets_to_guest"], c["hypervisor_cycles"]));
    }

    [Fact]
    public void A_packet_from_the_guest_must_be_dropped_when_its_host_core_backlog_is_full()
    {
        // arrange: room for one item on each host core; two packets from the guest at once
        var rig = new Rig(hostBacklog: 1);
        rig.Guest.SendAt(20 * Us, 2);
        rig.Guest.SendAt(20 * Us, 4);

        // act
        var results = rig.Run();

        // assert
        Assert.Equal([(23_550 * Ns, 2L)], rig.Switch.Received);
        Assert.Equal(1, results.Flows[4].DropsAt["host3/kvm-0/eth0:full"]);
        Assert.Equal((1, 1), (results.Components["host3/kvm-0/eth0"]["dropped_full"], results.Components["host3/kvm-0/eth0"]["packets_from_guest"]));
    }

    [Fact]
    public void A_packet_reaching_the_guest_while_its_vCPU_is_busy_must_join_the_poll_without_an_interrupt()
    {
        // arrange: packet 1 (host core 1) is done on the host at 13.1 us and interrupts the vCPU until 15.1 us; packet 3 (host
        // core 0) is done at 13.6 us, while that interrupt runs; packet 5 (core 0) at 43.1 us finds the vCPU idle again.
        var rig = new Rig();
        rig.Switch.SendAt(10 * Us, 1);
        rig.Switch.SendAt(10 * Us + 500 * Ns, 3, flowHash: 0);
        rig.Switch.SendAt(40 * Us, 5, flowHash: 0);

        // act
        var results = rig.Run();

        // assert
        var c = results.Components["host3/kvm-0/eth0"];
        Assert.Equal((3, 2, 8_000), (c["packets_to_guest"], c["interrupts"], c["hypervisor_cycles"]));
        Assert.Equal([(13_600 * Ns, 3L), (15_100 * Ns, 1L), (45_100 * Ns, 5L)], rig.Guest.Received);
    }

    [Fact]
    public void A_packet_from_the_guest_while_the_backend_is_busy_must_need_no_kick()
    {
        // arrange: three packets at once: the first kicks (1.5 us on the vCPU), the backend is busy with it until 3.55 us
        // after, so the two behind it find it working and are taken without a kick.
        var rig = new Rig();
        rig.Guest.SendAt(20 * Us, 2);
        rig.Guest.SendAt(21 * Us + 600 * Ns, 4);
        rig.Guest.SendAt(21 * Us + 700 * Ns, 6);

        // act
        var results = rig.Run();

        // assert
        var c = results.Components["host3/kvm-0/eth0"];
        Assert.Equal((3, 1, 3_000), (c["packets_from_guest"], c["kicks"], c["hypervisor_cycles"]));
        Assert.Equal(3, rig.Switch.Received.Count);
    }
}
