using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Virtualization.VirtualizedRuns;

namespace DcSim.ActorsHost.Tests.Virtualization;

/// <summary>Container starts and VM boots on one server, with reference.conf's start-up profiles.</summary>
public sealed class StartupSpec
{
    [Fact]
    public void Starts_at_time_zero_must_follow_the_runtime_and_boot_profiles_and_their_contention()
    {
        // arrange: 100 Docker containers and 100 KVM VMs (1 vCPU each) created at t = 0 on one 8-core server
        var results = Run("""
            duration = 80s
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers.groups = [ { hosts = [0], hypervisor = kvm, vcpu-overcommit = 16 } ]
            vms = [ { name = vm, count = 100, hosts = [0] } ]
            containers = [ { name = ct, count = 100, hosts = [0] } ]
            """);

        // act
        var containers = StartupTimes(results, "container");
        var vms = StartupTimes(results, "vm");

        // assert: containers set up their network namespaces one after the other (9 ms each), then take the rest of
        // Docker's 568 ms: the k-th runs after 568 + (k - 1) x 9 ms, from 0.568 s to 1.459 s
        Assert.Equal(Enumerable.Range(0, 100).Select(k => (568 + 9L * k) * SimTime.Millisecond), containers);
        // a boot's 12 G cycles take 4.8 s at 2.5 GHz, stretched by k / 8 when it is the k-th of the boots sharing the 8
        // cores, then 15 s of waiting: 19.8 s for the first eight, then 15 + 0.6 k s, up to 75 s
        Assert.Equal(Enumerable.Range(1, 100).Select(k => Math.Max(4_800, 600L * k) * SimTime.Millisecond + 15 * SimTime.Second), vms);
        // the boots' CPU work is accounted on the server: 100 x 12 G cycles of guest-kernel time
        Assert.Equal(100 * 12_000_000_000L, results.Components["host0"]["guest_kernel_busy_ps"] / PsPerCycle);
        Assert.True(new RunSummary(results).Conserved);
    }

    private static long[] StartupTimes(ResultsBuilder results, string kind) =>
        results.Components.Values.Where(c => c.Kind == kind).Select(c => c["startup_ps"]).Order().ToArray();

    [Fact]
    public void Packets_for_a_VM_that_has_not_booted_must_be_dropped_and_counted_at_its_stack()
    {
        // arrange: CBR from host 0 to a VM from t = 0; the VM runs from 2 ms (1 ms of boot CPU, then 1 ms)
        var results = Run(TwoServers + """
            duration = 4ms
            servers.groups = [ { hosts = [1], hypervisor = kvm } ]
            vms = [ { name = v, hosts = [1], placement = explicit } ]
            traffic.generators = [ { hosts = [0], rate = 100Mbps, packet-size = 1000B, destination = fixed, target = v-0, stop = 3ms } ]
            """);
        var flow = FlowOf(results);
        var summary = new RunSummary(results);
        Assert.Equal(2 * SimTime.Millisecond, results.Components["host1/v-0/stack"]["startup_ps"]);

        // act: the trip to the guest's stack is the delivered packets' latency less the guest's receive and application
        // work (8,350 cycles); packets sent every 80 us from the first one
        var toStack = flow.Latency!.MinPs - 8_350 * PsPerCycle;
        const long interval = 80 * SimTime.Microsecond;
        var expectedDrops = (2 * SimTime.Millisecond - toStack - flow.FirstSentAt + interval - 1) / interval;

        // assert
        Assert.Equal(flow.Latency.MinPs, flow.Latency.MaxPs);
        Assert.Equal(expectedDrops, flow.DropsAt["host1/v-0/stack:down"]);
        Assert.Equal(expectedDrops, results.Components["host1/v-0/stack"]["dropped_down"]);
        // br0 knows the VM's port from its announcement, so every frame goes there alone, booted or not
        var br0 = results.Components["host1/br0"];
        Assert.Equal((br0["frames"], 0L), (br0["forwarded"], br0["flooded"]));
        Assert.Equal(0, flow.CopiedPackets);
        Assert.Equal(flow.SentPackets - expectedDrops - flow.InFlightPackets, flow.DeliveredPackets);
        Assert.True(summary.Conserved);
    }

    [Fact]
    public void A_VM_that_stops_must_stop_its_containers_and_one_still_starting_must_never_run()
    {
        // arrange: a VM (running from 2 ms: 1 ms of boot CPU, then 1 ms) stops at 3 ms; container a starts in it in 0.1 ms,
        // container b needs 5 ms, so it is still starting when its VM stops; host 0 sends to a every 80 us from t = 0
        var results = Run(TwoServers + """
            duration = 8ms
            servers.groups = [ { hosts = [1], hypervisor = kvm } ]
            vms = [ { name = v, hosts = [1], placement = explicit, stop = 3ms } ]
            containers = [
              { name = a, vms = [v], network = macvlan, runtime = lxc }
              { name = b, vms = [v], network = macvlan }
            ]
            costs.runtime { lxc { netns-setup = 0us, start-delay = 100us }, docker { netns-setup = 0us, start-delay = 5ms } }
            traffic.generators = [ { hosts = [0], rate = 100Mbps, packet-size = 1000B, destination = fixed, target = a-0, stop = 6ms } ]
            """);

        // assert: a ran from 2.1 ms and stopped with its VM at 3 ms; b never ran
        var a = results.Components["host1/v-0/a-0/stack"];
        var b = results.Components["host1/v-0/b-0/stack"];
        Assert.Equal(((long)EndpointState.Stopped, 100 * SimTime.Microsecond), (a["state"], a["startup_ps"]));
        Assert.Equal(((long)EndpointState.Stopped, -1L), (b["state"], b["startup_ps"]));
        // what reached a while it ran was delivered; what came before and after was dropped at its down place
        var flow = FlowOf(results);
        Assert.True(flow.DeliveredPackets is > 5 and < 13, $"{flow.DeliveredPackets} delivered in a's 0.9 ms");
        Assert.Equal(flow.SentPackets - flow.DeliveredPackets - flow.InFlightPackets, flow.DropsAt.Values.Sum());
        Assert.True(flow.DropsAt.ContainsKey("host1/v-0/a-0/stack:down"));
        Assert.True(new RunSummary(results).Conserved);
    }
}
