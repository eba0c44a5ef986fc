using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>The tcp section and the TCP generator kinds: defaults, values, the resolved form, and every bad value at its file, line and key.</summary>
public sealed class ScenarioTcpSpec
{
    [Fact]
    public void Tcp_must_default_to_Linux_with_cubic()
    {
        Assert.Equal(TcpSettings.Default, Parse("duration = 1ms").Datacenter().Tcp);
        Assert.Equal(CongestionControlKind.Cubic, TcpSettings.Default.CongestionControl);
        Assert.Equal(200 * SimTime.Millisecond, TcpSettings.Default.MinRtoPs);
    }

    [Fact]
    public void Tcp_values_must_be_read_and_written_back_by_the_resolved_scenario()
    {
        // arrange
        const string text = """
            topology.switch-queue { limit = 100, unit = packets, ecn { mode = threshold, threshold = 20 } }
            tcp {
              congestion-control = dctcp
              mss = 8948B
              initial-window = 4
              min-rto = 1ms
              max-rto = 2s
              initial-rto = 5ms
              delayed-ack-segments = 1
              delayed-ack-timeout = 1ms
              duplicate-ack-threshold = 5
              sack = false
              ecn = true
              send-buffer = 1MiB
              receive-buffer = 512KiB
              dctcp-gain = 0.125
              cubic { c = 0.5, beta = 0.8 }
              tso = false
              gro = false
              gro-segments = 4
              gro-window = 5us
            }
            traffic.generators = [
              { kind = tcp-bulk, hosts = [0], destination = fixed, target = 1, tcp-bulk { flow-size = 1MB, connections = 3, cwnd-trace = 10us } }
              { kind = tcp-rr, hosts = [2], destination = fixed, target = 3, tcp-rr { request-size = 1KB, response-size = 64KB, service-time = 3us } }
              { kind = incast, hosts = ["4-7"], destination = incast, target = 4, incast { response-size = 32KiB, rounds = 5, jitter = 2us } }
            ]
            """;

        // act
        var s = Parse(text);
        var again = Parse(s.ResolvedHocon);

        // assert
        var expected = new TcpSettings(CongestionControlKind.Dctcp, 8948, 4, SimTime.Millisecond, 2 * SimTime.Second, 5 * SimTime.Millisecond, 1,
            SimTime.Millisecond, 5, false, true, 1 << 20, 512 << 10, 0.125, 0.5, 0.8, true, true, false, false, 4, 5 * SimTime.Microsecond);
        Assert.Equal(expected, s.Datacenter().Tcp);
        var g = s.Datacenter().Generators;
        Assert.Equal(new TcpBulkSettings(1_000_000, 3, 10 * SimTime.Microsecond), g[0].TcpBulk);
        Assert.Equal(new TcpRrSettings(1000, 64_000, 3 * SimTime.Microsecond, "", 0), g[1].TcpRr);
        Assert.Equal(new IncastSettings(64, 32 * 1024, 5, 2 * SimTime.Microsecond), g[2].Incast);
        Assert.Equal([GeneratorKind.TcpBulk, GeneratorKind.TcpRr, GeneratorKind.Incast], g.Select(x => x.Kind));
        Assert.Equal(s.Datacenter().Tcp, again.Datacenter().Tcp);
        Assert.Equal(g.Select(x => (x.TcpBulk, x.TcpRr, x.Incast)), again.Datacenter().Generators.Select(x => (x.TcpBulk, x.TcpRr, x.Incast)));
        Assert.Equal(s.ResolvedHocon, again.ResolvedHocon);
        Assert.Contains("congestion-control = dctcp", s.ResolvedHocon);
    }

    [Theory]
    [InlineData("congestion-control = bbr", "tcp.congestion-control", "newreno, cubic, dctcp")]
    [InlineData("congestion-control = cubik", "tcp.congestion-control", "did you mean 'cubic'?")]
    [InlineData("mss = 10B", "tcp.mss", "88")]
    [InlineData("mss = 70000B", "tcp.mss", "65495")]
    [InlineData("initial-window = 0", "tcp.initial-window", "at least 1")]
    [InlineData("min-rto = 0s", "tcp.min-rto", "must be greater than 0")]
    [InlineData("min-rto = 200s", "tcp.min-rto", "min-rto 200s is above max-rto 120s")]
    [InlineData("initial-rto = 100ms", "tcp.initial-rto", "must lie between min-rto 200ms and max-rto 120s")]
    [InlineData("{ min-rto = 1ms, max-rto = 1s, initial-rto = 2s }", "tcp.initial-rto", "must lie between min-rto 1ms and max-rto 1s")]
    [InlineData("delayed-ack-segments = 0", "tcp.delayed-ack-segments", "at least 1")]
    [InlineData("duplicate-ack-threshold = 0", "tcp.duplicate-ack-threshold", "at least 1")]
    [InlineData("sack = maybe", "tcp.sack", "maybe")]
    [InlineData("send-buffer = 1KB", "tcp.send-buffer", "send-buffer 1000 B is smaller than one segment (mss 1448 B)")]
    [InlineData("{ mss = 9000B, receive-buffer = 8KiB }", "tcp.receive-buffer", "receive-buffer 8192 B is smaller than one segment (mss 9000 B)")]
    [InlineData("dctcp-gain = 0", "tcp.dctcp-gain", "above 0 and at most 1")]
    [InlineData("dctcp-gain = 1.5", "tcp.dctcp-gain", "above 0 and at most 1")]
    [InlineData("cubic.beta = 1", "tcp.cubic.beta", "beta must be below 1")]
    [InlineData("cubic.beta = 1.2", "tcp.cubic.beta", "at most 1")]
    [InlineData("cubic.c = 0", "tcp.cubic.c", "above 0")]
    public void Bad_tcp_value_must_be_reported_at_its_file_line_and_key(string setting, string key, string fragment)
    {
        var text = setting.StartsWith('{') ? $"# tcp\ntcp {setting}\n" : $"# tcp\ntcp.{setting}\n";
        AssertError(text, key, 2, fragment);
    }

    [Fact]
    public void Tcp_flows_must_need_a_flow_size_cdf()
    {
        AssertError("# tcp-flows\ntraffic.generators = [ { kind = tcp-flows, rate = 1Gbps } ]\n", "traffic.generators[0].flow-size-cdf", 2,
            "kind = tcp-flows draws each flow's size from a CDF");
    }

    [Fact]
    public void Incast_must_need_destination_incast()
    {
        AssertError("# incast\ntraffic.generators = [\n  { kind = incast, destination = fixed, target = 0 }\n]\n", "traffic.generators[0].destination", 3,
            "set destination = incast");
    }

    [Fact]
    public void An_ECN_threshold_at_or_above_the_queue_limit_must_be_refused_for_dctcp()
    {
        AssertError("tcp.congestion-control = dctcp\ntopology.switch-queue {\n  limit = 50, unit = packets\n  ecn { mode = threshold, threshold = 65 }\n}\n",
            "topology.switch-queue.ecn.threshold", 4, "at or above the queue's limit");
    }

    [Fact]
    public void A_9000_byte_MSS_must_count_for_the_largest_frame_a_queue_must_hold()
    {
        // 9000 B of segment + 32 B TCP + 20 B IPv4 + 18 B Ethernet: a 9070 B frame does not fit a 9000 B queue
        AssertError("topology.switch-queue.limit = 9000\ntcp.mss = 9000B\ntraffic.generators = [ { kind = tcp-bulk, destination = fixed, target = 1 } ]\n",
            "topology.switch-queue.limit", 1, "9070");
    }
}
