using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Traffic;

/// <summary>
/// The packet-rate generator keys (reference.conf generator-defaults): a rate in % of the line rate counted on the wire,
/// frame sizes, a rate per server, destination sets paired by permutation, and concurrent 5-tuples per stream.
/// </summary>
public sealed class StreamShapeSpec
{
    private const string Bare = """
        duration = 1ms
        servers.stack-costs = free
        topology { spines = 4, leaves = 2, hosts-per-leaf = 2, host-link.rate = 10Gbps }

        """;

    private static long Sent(ResultsBuilder results, int generator = 0) => results.Flows.Values.Where(f => f.Generator == generator).Sum(f => f.SentPackets);

    [Fact]
    public void Full_line_rate_of_64_byte_frames_must_be_14_88_Mpps_on_the_wire()
    {
        // act: calibration.md §1.1: 10 Gb/s / (84 B × 8) = 14,880,952 frames/s, so 14,880 in 1 ms.
        var results = VirtualizedRuns.Run(Bare + """
            traffic.generators = [ { kind = cbr, hosts = [0], destination = fixed, target = 1, rate = "100%", packet-size = 64B, packet-size-of = frame } ]
            """);

        // assert
        var flow = results.Flows.Values.Single();
        Assert.InRange(flow.SentPackets, 14_879, 14_881);
        Assert.Equal(18 * flow.SentPackets, flow.SentBytes);
        Assert.Equal(0, flow.DroppedPackets);
        var link = results.Links.Values.Single(l => l.From == "host0");
        Assert.Equal(flow.SentPackets, link.TxPackets);
    }

    [Fact]
    public void Half_the_line_rate_of_1518_byte_frames_must_send_half_the_frames()
    {
        // act: 1538 B on the wire at 5 Gb/s: 406,371 frames/s.
        var results = VirtualizedRuns.Run(Bare + """
            traffic.generators = [ { kind = cbr, hosts = [0], destination = fixed, target = 1, rate = "50%", packet-size = 1518B, packet-size-of = frame } ]
            """);

        // assert
        Assert.InRange(Sent(results), 405, 407);
        Assert.Equal(1472, results.Flows.Values.Single().SentBytes / Sent(results));
    }

    [Fact]
    public void Rate_per_server_must_split_the_rate_among_the_generators_sources_on_one_server()
    {
        // arrange: four VMs on host 0 share 1 Gb/s; host 1 sends 1 Gb/s alone.
        var text = VirtualizedRuns.TwoServers + """
            duration = 12ms
            servers { hypervisor = kvm }
            vms = [ { name = web, count = 4, hosts = [0] } ]
            traffic.generators = [ { kind = cbr, endpoints = [web], hosts = [1], destination = random, destinations = [0, 1], rate = 1Gbps, rate-per = server,
              packet-size = 1000B, start = 2ms } ]
            """;

        // act
        var results = VirtualizedRuns.Run(text);

        // assert: 10 ms at 1 Gb/s is 1,250 packets of 1000 B per server.
        var perSource = results.Flows.Values.GroupBy(f => f.Source).ToDictionary(g => g.Key, g => g.Sum(f => f.SentPackets));
        Assert.InRange(perSource[1], 1249, 1251);
        Assert.Equal(4, perSource.Count(p => p.Key != 1));
        Assert.All(perSource.Where(p => p.Key != 1), p => Assert.InRange(p.Value, 312, 313));
    }

    [Fact]
    public void Permutation_with_destinations_must_pair_every_source_with_its_own_destination_in_the_set()
    {
        // act
        var results = VirtualizedRuns.Run(VirtualizedRuns.TwoServers + """
            duration = 4ms
            servers { hypervisor = kvm }
            vms = [ { name = a, count = 4, hosts = [0] }, { name = b, count = 4, hosts = [1] } ]
            traffic.generators = [ { kind = cbr, endpoints = [a], destination = permutation, destinations = [b], rate = 10Mbps, start = 2ms } ]
            """);

        // assert: sources are a-0..a-3 (endpoints 2-5), destinations b-0..b-3 (6-9), one each.
        var flows = results.Flows.Values.ToList();
        Assert.Equal(4, flows.Count);
        Assert.Equal([6, 7, 8, 9], flows.Select(f => f.Destination).Order());
        Assert.All(flows, f => Assert.InRange(f.Source, 2, 5));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1000, 4)]
    public void Concurrent_flows_must_spread_one_stream_over_that_many_5_tuples(int concurrentFlows, int spinesUsed)
    {
        // act: ECMP hashes the 5-tuple, so one tuple takes one of the 4 spines and a thousand take them all.
        var results = VirtualizedRuns.Run(Bare + $$"""
            traffic.generators = [ { kind = cbr, hosts = [0], destination = fixed, target = 2, rate = 1Gbps, packet-size = 100B, concurrent-flows = {{concurrentFlows}} } ]
            """);

        // assert
        var uplinks = results.Links.Values.Where(l => l.From == "leaf0" && l.To.StartsWith("spine", StringComparison.Ordinal)).ToList();
        Assert.Equal(spinesUsed, uplinks.Count(l => l.TxPackets > 0));
        Assert.Single(results.Flows.Values);
    }

    [Theory]
    [InlineData("rate = \"150%\"", "rate", "at most 100")]
    [InlineData("rate = \"x%\"", "rate", "a percentage")]
    [InlineData("kind = udp-rr, destination = fixed, target = 1, rate = \"10%\"", "rate", "kind = cbr, poisson and on-off")]
    [InlineData("concurrent-flows = 0", "concurrent-flows", "")]
    [InlineData("concurrent-flows = 70000", "concurrent-flows", "")]
    [InlineData("kind = udp-rr, destination = fixed, target = 1, concurrent-flows = 4", "concurrent-flows", "kind = cbr, poisson and on-off")]
    [InlineData("destinations = [nobody]", "destinations[0]", "no host index, VM or container")]
    [InlineData("destinations = [9]", "destinations[0]", "host 9 does not exist")]
    [InlineData("destination = fixed, target = 1, destinations = [1]", "destinations", "use target")]
    [InlineData("packet-size = 63B, packet-size-of = frame", "packet-size", "")]
    [InlineData("rate-per = rack", "rate-per", "")]
    public void Stream_keys_must_refuse_bad_values_naming_the_key_and_line(string generator, string key, string fragment)
    {
        // act, assert
        AssertError(Bare + "traffic.generators = [ { hosts = [0], " + generator + " } ]\n", $"traffic.generators[0].{key}", 4, fragment);
    }
}
