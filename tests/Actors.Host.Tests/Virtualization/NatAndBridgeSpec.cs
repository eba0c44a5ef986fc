using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Virtualization.VirtualizedRuns;

namespace DcSim.ActorsHost.Tests.Virtualization;

/// <summary>
/// Docker's NAT and the VMs' Linux bridge inside whole servers. The conntrack table's limit (262,144 entries, Linux's
/// default, fixed in the server builder) is covered at the component level by NatGatewaySpec's full-table tests.
/// </summary>
public sealed class NatAndBridgeSpec
{
    /// <summary>A transaction through Docker's NAT crosses veth, docker0, forwarding + NAT and a conntrack lookup each way.</summary>
    private const long NatCyclesPerTransaction = 2 * (1_000 + 600 + 800 + 600);
    /// <summary>The first packet of a connection also creates its conntrack entry.</summary>
    private const long ConntrackNewCycles = 3_000;

    private const string BridgeContainer = "containers = [ { name = c, hosts = [1], placement = explicit, network = bridge PUBLISH } ]\n";

    /// <summary>A udp-rr loop for 4 ms from <paramref name="startMs"/> (after the containers' 568 ms start, or a VM's 2 ms boot).</summary>
    private static ResultsBuilder RunLoop(string servers, string loop, int startMs = 600)
    {
        var results = Run(TwoServers + $"duration = {startMs + 5}ms\n" + servers
            + $"traffic.generators = [ {{ kind = udp-rr, destination = fixed, start = {startMs}ms, stop = {startMs + 4}ms, " + loop + " } ]\n");
        Assert.True(new RunSummary(results).Conserved);
        return results;
    }

    [Fact]
    public void A_published_port_must_reach_the_container_through_the_NAT_and_the_answer_must_come_back()
    {
        // act: netperf-like loop from host 0 to a bridged container on host 1 that publishes the loop's port 5000
        var bare = Loop(RunLoop("", "hosts = [0], target = 1"));
        var nat = RunLoop(BridgeContainer.Replace("PUBLISH", ", publish = [\"5000:5000/udp\"]"), "hosts = [0], target = c-0");

        // assert: requests come in through the DNAT of the published port, answers leave as the host's port
        AssertAnsweredThroughNat(nat, bare, requests: "packets_in", answers: "packets_out");
    }

    [Fact]
    public void An_outbound_connection_must_be_masqueraded_and_its_answers_must_find_the_container()
    {
        // act: the loop runs in a bridged container on host 1 (no published port) against host 0
        var bare = Loop(RunLoop("", "hosts = [1], target = 0"));
        var nat = RunLoop(BridgeContainer.Replace("PUBLISH", ""), "endpoints = [c-0], target = 0");

        // assert: host 0 answers the host's address (a private 172.17 source would not be routable), the NAT maps the
        // answers back to the container
        AssertAnsweredThroughNat(nat, bare, requests: "packets_out", answers: "packets_in");
    }

    /// <summary>
    /// Every request got its answer, through host 1's NAT both ways on one connection; the round trip is bare metal's
    /// plus the NAT path's cycles at 2.5 GHz (2.4 us), and the first transaction's also creates the conntrack entry.
    /// </summary>
    private static void AssertAnsweredThroughNat(ResultsBuilder nat, UdpRrRow bare, string requests, string answers)
    {
        var loop = Loop(nat);
        Assert.True(loop.Transactions > 100, $"{loop.Transactions} transactions");
        Assert.Equal((loop.Requests, 0L), (loop.Transactions, loop.Lost));
        var gateway = nat.Components["host1/nat"];
        Assert.Equal((loop.Requests, loop.Transactions, 1L), (gateway[requests], gateway[answers], gateway["new_connections"]));
        Assert.Equal(bare.RoundTrips.MinPs + NatCyclesPerTransaction * PsPerCycle, loop.RoundTrips.MinPs);
        Assert.Equal(loop.RoundTrips.MinPs + ConntrackNewCycles * PsPerCycle, loop.RoundTrips.MaxPs);
    }

    [Theory]
    // a packet every 40 s outlives the 30 s timeout of an unreplied UDP entry: each opens a new one
    [InlineData("200bps", true)]
    // a packet every 20 s refreshes it: one entry for the whole flow
    [InlineData("400bps", false)]
    public void A_conntrack_entry_must_expire_when_its_flow_is_idle_longer_than_the_UDP_timeout(string rate, bool expires)
    {
        // arrange: a bridged container sends one 1,000 B datagram per interval to host 0, which does not answer
        var results = Run(TwoServers + BridgeContainer.Replace("PUBLISH", "") + $$"""
            duration = 130s
            traffic.generators = [ { endpoints = [c-0], rate = {{rate}}, packet-size = 1000B, destination = fixed, target = 0 } ]
            """);

        // act
        var flow = FlowOf(results);
        var gateway = results.Components["host1/nat"];

        // assert
        Assert.InRange(flow.SentPackets, 3, 7);
        Assert.Equal(flow.SentPackets, flow.DeliveredPackets);
        Assert.Equal(expires ? flow.SentPackets : 1, gateway["new_connections"]);
        Assert.Equal(flow.SentPackets, gateway["packets_out"]);
        Assert.True(new RunSummary(results).Conserved);
    }

    [Fact]
    public void The_VMs_bridge_must_know_its_announced_VMs_and_send_unknown_unicast_to_its_uplink_without_flooding()
    {
        // act: three VMs on host 1's br0; a loop from host 0 to the first
        var results = RunLoop("servers.groups = [ { hosts = [1], hypervisor = kvm } ]\nvms = [ { name = v, count = 3, hosts = [1] } ]\n",
            "hosts = [0], target = v-0", startMs: 3);
        var loop = Loop(results);
        var br0 = results.Components["host1/br0"];

        // assert: the VMs and the host announced themselves (a gratuitous ARP at boot), so the first request goes to v-0's
        // port alone; the answer's destination (host 0) was never heard on br0 and goes to the uplink, as ARP would
        // have taught it, and is learned from the next request: nothing floods, nobody else sees a copy
        Assert.True(loop.Transactions > 20, $"{loop.Transactions} transactions");
        Assert.Equal(loop.Requests + loop.Transactions, br0["frames"]);
        Assert.Equal((0L, 0L, 1L), (br0["flooded"], br0["flood_copies"], br0["learned"]));
        Assert.Equal(br0["frames"], br0["forwarded"]);
        foreach (var kernel in new[] { "host1/kernel", "host1/v-1/kernel", "host1/v-2/kernel" })
            Assert.Equal(0, results.Components[kernel]["not_for_me"]);
        Assert.Equal(0, results.Components["host1/v-1/eth0"]["packets_to_guest"]);
    }
}
