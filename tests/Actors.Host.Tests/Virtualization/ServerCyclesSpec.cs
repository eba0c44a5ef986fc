using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.ActorsHost.Tests.Virtualization.VirtualizedRuns;

namespace DcSim.ActorsHost.Tests.Virtualization;

/// <summary>
/// Server cycles per udp-rr transaction (100 B request in, 200 B response out) for each way of running the server
/// side, from reference.conf's costs (docs/virtualization-costs.md §5 has the step lists). Measured as the difference
/// between two runs that differ only in how long the loop runs, divided by the difference in transactions: boots,
/// the first packet's conntrack entry and the bridge's first flood cancel out, what remains is the per-transaction cost.
/// </summary>
public sealed class ServerCyclesSpec
{
    // Bare metal: receive 6,700 + 0.25 x 100 B, application 1,400, send 3,000 + 0.25 x 200 B.
    private const long BareMetal = 6_725 + 1_400 + 3_050;
    // macvlan: one demultiplexing step each way.
    private const long Macvlan = BareMetal + 2 * 200;
    // Docker bridge + NAT, each way: veth 1,000, docker0 600, IP forward 500 + NAT rewrite 300, conntrack lookup 600.
    private const long DockerNat = BareMetal + 2 * (1_000 + 600 + 800 + 600);
    // KVM with vhost-net. Towards the guest: NIC driver 2,200, br0 600, vhost 5,000 + 0.25 x 100 B, interrupt delivery
    // (vCPU wake 3,000, injection 1,400, EOI exit 2,000, timer exit 2,400), guest receive and application as bare metal.
    // From the guest: guest send as bare metal, kick 2,000, vhost 3,000 + 0.25 x 200 B, br0 600, NIC driver 800.
    private const long VhostNet = (2_200 + 600 + 5_025 + 8_800 + 6_725 + 1_400) + (3_050 + 2_000 + 3_050 + 600 + 800);
    // QEMU: its kernel side costs 100 more towards the guest and 300 more from it, its emulation 2,000 each way in user
    // space, and the kick continues to user space (+500: an exit through QEMU is ~2,500 cycles, calibration.md §1.3).
    private const long Qemu = VhostNet + 100 + 300 + 2 * 2_000 + 500;

    private const string Client = "{ kind = udp-rr, hosts = [0], destination = fixed, target = TARGET, start = 600ms, stop = STOP }";

    public static TheoryData<string, string, string, long> Servers() => new()
    {
        { "bare metal", "", "1", BareMetal },
        { "Docker host", "containers = [ { name = c, hosts = [1], placement = explicit, network = host } ]", "c-0", BareMetal },
        { "Docker macvlan", "containers = [ { name = c, hosts = [1], placement = explicit, network = macvlan } ]", "c-0", Macvlan },
        { "Docker bridge + NAT", "containers = [ { name = c, hosts = [1], placement = explicit, network = bridge, publish = [\"5000:5000/udp\"] } ]", "c-0", DockerNat },
        { "KVM vhost-net", Kvm("vhost-net"), "v-0", VhostNet },
        { "KVM QEMU", Kvm("qemu"), "v-0", Qemu },
    };

    private static string Kvm(string vnic) =>
        $"servers.groups = [ {{ hosts = [1], hypervisor = kvm }} ]\nvms = [ {{ name = v, hosts = [1], placement = explicit, vnic = {vnic} }} ]";

    [Theory]
    [MemberData(nameof(Servers))]
    public void Server_cycles_per_transaction_must_be_the_sum_of_the_steps_of_its_path(string label, string server, string target, long expected)
    {
        // act
        var cycles = CyclesPerTransaction(server, target);

        // assert
        Assert.True(expected == cycles, $"{label}: {cycles} cycles per transaction, expected {expected}");
    }

    [Fact]
    public void Server_cycles_must_order_bare_metal_containers_and_VMs_as_their_extra_steps_do()
    {
        // act
        var cycles = Servers().ToDictionary(row => (string)row[0], row => CyclesPerTransaction((string)row[1], (string)row[2]));

        // assert: bare metal <= Docker host < Docker NAT; bare metal < vhost-net < QEMU
        Assert.True(cycles["bare metal"] <= cycles["Docker host"]);
        Assert.True(cycles["Docker host"] < cycles["Docker bridge + NAT"]);
        Assert.True(cycles["bare metal"] < cycles["KVM vhost-net"]);
        Assert.True(cycles["KVM vhost-net"] < cycles["KVM QEMU"]);
        // per packet (two per transaction), at 2.5 GHz: 5,588, 8,588, 17,125 and 19,875 cycles
        Assert.Equal((11_175L, 17_175L, 34_250L, 39_150L), (cycles["bare metal"], cycles["Docker bridge + NAT"], cycles["KVM vhost-net"], cycles["KVM QEMU"]));
    }

    /// <summary>
    /// Runs the loop from 600 ms (containers run from 568 ms) to 601 ms and to 603 ms; the server's extra cycles over the
    /// extra transactions.
    /// </summary>
    private static long CyclesPerTransaction(string server, string target)
    {
        var (shortCycles, shortLoop) = Measure(server, target, "601ms");
        var (longCycles, longLoop) = Measure(server, target, "603ms");
        var transactions = longLoop.Transactions - shortLoop.Transactions;
        Assert.True(transactions > 20, $"{transactions} more transactions");
        Assert.Equal((0L, 0L), (shortLoop.Lost, longLoop.Lost));
        Assert.Equal(0, (longCycles - shortCycles) % transactions);
        return (longCycles - shortCycles) / transactions;
    }

    private static (long Cycles, UdpRrRow Loop) Measure(string server, string target, string stop)
    {
        var results = Run(TwoServers + "duration = 605ms\n" + server + "\ntraffic.generators = [ "
            + Client.Replace("TARGET", target).Replace("STOP", stop) + " ]\n");
        Assert.True(new RunSummary(results).Conserved);
        var loop = Loop(results);
        Assert.Equal(loop.Requests, loop.Transactions);
        return (ServerCycles(results, "host1"), loop);
    }
}
