using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Virtualization.VirtualizedRuns;

namespace DcSim.ActorsHost.Tests.Virtualization;

/// <summary>What a busy core does to packets: it caps the rate it can receive, and a vCPU that shares it waits.</summary>
public sealed class CoreContentionSpec
{
    /// <summary>A bare-metal receiver's work per 1,000 B packet on its network core: receive 6,700 + 0.25 x 1,000, application 1,400.</summary>
    private const long ReceiveCycles = 6_950 + 1_400;

    /// <summary>Host 0 offers host 1 300,000 packets/s of 1,000 B for 3 ms, both servers clocked at <paramref name="gigahertz"/>.</summary>
    private static FlowStats Saturated(int gigahertz)
    {
        var results = Run(TwoServers.Replace("host-cpu.idle-exit-latency = 0us", $"host-cpu {{ clock = {gigahertz}GHz, idle-exit-latency = 0us }}")
            + "duration = 3ms\ntraffic.generators = [ { hosts = [0], rate = 2.4Gbps, packet-size = 1000B, destination = fixed, target = 1 } ]\n");
        Assert.True(new RunSummary(results).Conserved);
        return FlowOf(results);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_saturated_receive_core_must_deliver_clock_over_cycles_packets_per_second(int gigahertz)
    {
        // arrange: 300,000 packets/s offered (2.4 Gb/s of 1,000 B). The sender's 3,250 cycles per packet fit in the
        // 3.33 us between packets even at 1 GHz; the receiver's 8,350 do not: it caps at 119,760 packets/s at 1 GHz
        // and 239,521 at 2 GHz.
        const long duration = 3 * SimTime.Millisecond;
        var servicePs = ReceiveCycles * 1_000 / gigahertz;

        // act
        var flow = Saturated(gigahertz);

        // assert: from the first packet's arrival (under 20 us after the start) the core is never idle, so it has
        // delivered one packet per service time by the end; the rest is still queued on it, none lost
        Assert.InRange(flow.DeliveredPackets, (duration - 20 * SimTime.Microsecond) / servicePs, duration / servicePs);
        Assert.True(flow.SentPackets > 880, $"{flow.SentPackets} sent");
        Assert.Equal(flow.SentPackets - flow.DeliveredPackets, flow.InFlightPackets);
    }

    [Fact]
    public void Doubling_the_clock_must_double_the_receive_cap()
    {
        // act
        var delivered = new[] { 1, 2 }.Select(ghz => Saturated(ghz).DeliveredPackets).ToArray();

        // assert: 359 and 718 packets in 3 ms less the first packet's trip
        Assert.InRange(delivered[1] / (double)delivered[0], 1.98, 2.02);
    }

    /// <summary>
    /// VM srv-0 answers host 0's traffic (<paramref name="generator"/>); VM hog-0 runs a CPU-bound process taking
    /// <paramref name="load"/> of its vCPU in slices of 2 ms. On a one-core server with vcpu-overcommit = 2 both vCPUs
    /// are pinned to core 0.
    /// </summary>
    private static ResultsBuilder OverCommitted(double load, string generator)
    {
        var text = TwoServers.Replace("host-cpu.idle-exit-latency = 0us", "host-cpu { cores = 1, idle-exit-latency = 0us }") + """
            duration = 210ms
            servers.groups = [ { hosts = [1], hypervisor = kvm, vcpu-overcommit = 2 } ]
            vms = [
              { name = srv, hosts = [1], placement = explicit, pinning = pinned }
              { name = hog, hosts = [1], placement = explicit, pinning = pinned, cpu-load = LOAD, cpu-slice = 2ms }
            ]
            traffic.generators = [ { hosts = [0], destination = fixed, target = srv-0, start = 10ms, stop = 200ms, GENERATOR } ]

            """.Replace("LOAD", load.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("GENERATOR", generator);
        var results = Run(text);
        Assert.True(new RunSummary(results).Conserved);
        return results;
    }

    /// <summary>100 B every 490.8 us, a period that does not divide the hog's (8 ms at 25 %, 4 ms at 50 %): arrivals fall at every phase of its slices.</summary>
    private static FlowStats OpenLoop(double load) => FlowOf(OverCommitted(load, "rate = 1.63Mbps, packet-size = 100B"));

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    public void An_over_committed_vCPU_must_add_on_average_load_times_half_a_slice(double load)
    {
        // arrange
        const long slice = 2 * SimTime.Millisecond;
        var alone = OpenLoop(0).Latency!;

        // act
        var shared = OpenLoop(load).Latency!;

        // assert: alone, every packet takes the same time. Shared, a packet that arrives while the hog runs (a share
        // `load` of the time) waits for the rest of its slice, on average half of it: load x 1 ms. Packets caught in one
        // slice then queue behind each other (2-5 of them, 9.9 us of core work each), which adds a few percent.
        Assert.Equal(alone.MinPs, alone.MaxPs);
        Assert.Equal(alone.MinPs, shared.MinPs);
        var added = shared.MeanPs - alone.MeanPs;
        var expected = load * slice / 2;
        Assert.True(added >= 0.95 * expected && added <= 1.1 * expected, $"added {added / 1e6:F1} us, expected about {expected / 1e6:F1} us");
        // the worst case waits for almost the whole slice
        Assert.InRange(shared.MaxPs - alone.MaxPs, slice - 500 * SimTime.Microsecond, slice + 50 * SimTime.Microsecond);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    public void An_over_committed_vCPU_must_cut_a_closed_loop_to_the_share_of_time_it_gets(double load)
    {
        // arrange
        var alone = Loop(OverCommitted(0, "kind = udp-rr"));

        // act
        var shared = Loop(OverCommitted(load, "kind = udp-rr"));

        // assert: a udp-rr loop keeps one transaction in flight, so a slice holds up one transaction by about the slice
        // (not half of it: the next request waits for the answer) and the loop runs only while the hog does not. Over a
        // period P = slice / load the loop completes (P - slice) / R0 transactions: transactions per second fall to
        // (1 - load) of alone's, and the mean round trip rises to R0 / (1 - load) (R0 = 27.9 us alone), to within the
        // round trip by which the blocked transaction's wait can fall short of the slice in each period.
        Assert.Equal(alone.RoundTrips.MinPs, shared.RoundTrips.MinPs);
        var ratio = shared.TransactionsPerSecond / alone.TransactionsPerSecond;
        Assert.True(Math.Abs(ratio - (1 - load)) < 0.01, $"{ratio:F4} of alone's transactions per second, expected {1 - load}");
        // the transaction a slice catches waits for nearly all of it
        Assert.InRange(shared.RoundTrips.MaxPs, 2 * SimTime.Millisecond - 50 * SimTime.Microsecond, 2 * SimTime.Millisecond + 50 * SimTime.Microsecond);
    }
}
