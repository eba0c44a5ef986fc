using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>kind = udp-rr and its udp-rr { } keys: defaults, values, the resolved form, and every bad value at its file, line and key.</summary>
public sealed class ScenarioUdpRrSpec
{
    [Fact]
    public void Udp_rr_must_default_to_netperf_100_200_with_one_transaction_in_flight()
    {
        var g = Assert.Single(Parse("traffic.generators = [ { kind = udp-rr, hosts = [0], destination = fixed, target = 1 } ]").Datacenter().Generators);

        Assert.Equal(GeneratorKind.UdpRr, g.Kind);
        Assert.Equal(new UdpRrSettings(100, 200, 0, 1, 10 * SimTime.Millisecond), g.UdpRr);
    }

    [Fact]
    public void Udp_rr_values_must_be_read_and_written_back_by_the_resolved_scenario()
    {
        // arrange
        const string text = """
            traffic.generators = [
              { kind = udp-rr, udp-rr { request-size = 1KB, response-size = 64B, service-time = 2us, transactions-in-flight = 8, timeout = 0s } }
            ]
            """;

        // act
        var s = Parse(text);
        var again = Parse(s.ResolvedHocon);

        // assert
        Assert.Equal(new UdpRrSettings(1000, 64, 2 * SimTime.Microsecond, 8, 0), s.Datacenter().Generators[0].UdpRr);
        Assert.Equal(s.Datacenter().Generators[0].UdpRr, again.Datacenter().Generators[0].UdpRr);
        Assert.Equal(s.ResolvedHocon, again.ResolvedHocon);
    }

    [Theory]
    [InlineData("udp-rr.request-size = 70000B", "traffic.generators[0].udp-rr.request-size", "at most 65507")]
    [InlineData("udp-rr.request-size = 0B", "traffic.generators[0].udp-rr.request-size", "at least 1")]
    [InlineData("udp-rr.response-size = 65508B", "traffic.generators[0].udp-rr.response-size", "at most 65507")]
    [InlineData("udp-rr.response-size = big", "traffic.generators[0].udp-rr.response-size", "big")]
    [InlineData("udp-rr.service-time = -1us", "traffic.generators[0].udp-rr.service-time", "must not be negative")]
    [InlineData("udp-rr.transactions-in-flight = 0", "traffic.generators[0].udp-rr.transactions-in-flight", "at least 1")]
    [InlineData("udp-rr.transactions-in-flight = 1025", "traffic.generators[0].udp-rr.transactions-in-flight", "at most 1024")]
    [InlineData("udp-rr.transactions-in-flight = 1.5", "traffic.generators[0].udp-rr.transactions-in-flight", "whole number")]
    [InlineData("udp-rr.timeout = -1ms", "traffic.generators[0].udp-rr.timeout", "must not be negative")]
    [InlineData("udp-rr { service-time = 20us, timeout = 20us }", "traffic.generators[0].udp-rr.timeout", "must be longer than service-time 20us")]
    [InlineData("kind = udp-rrr", "traffic.generators[0].kind", "request-response, udp-rr", "did you mean 'udp-rr'?")]
    public void Bad_udp_rr_value_must_be_reported_at_its_file_line_and_key(string fields, string key, params string[] fragments)
    {
        AssertError($"# udp-rr\ntraffic.generators = [ {{ kind = udp-rr, {fields} }} ]\n", key, 2, fragments);
    }

    [Fact]
    public void Udp_rr_must_refuse_a_flow_size_cdf()
    {
        var e = Fails("traffic.generators = [\n  { kind = udp-rr\n    flow-size-cdf = \"cdf/websearch.txt\" }\n]\n", Path.Combine(RepoRoot, "config", "scenarios"));

        AssertError(e, "traffic.generators[0].flow-size-cdf", 3, "one closed loop", "remove flow-size-cdf");
    }

    [Fact]
    public void Udp_rr_sizes_must_count_for_the_largest_frame_a_queue_must_hold()
    {
        // 1400 B of response + 46 B of headers: a 1446 B frame does not fit a 1000 B queue
        AssertError("duration = 1ms\ntopology.switch-queue.limit = 1000\ntraffic.generators = [ { kind = udp-rr, packet-size = 10B, udp-rr.response-size = 1400B } ]\n",
            "topology.switch-queue.limit", 2, "1446");
    }
}
