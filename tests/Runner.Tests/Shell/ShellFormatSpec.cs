using System.Text.Json;
using DcSim.Runner.Shell;
using Xunit;

namespace DcSim.Runner.Tests.Shell;

public sealed class ShellFormatSpec
{
    private static Dictionary<string, long> Ping(long sent, long received, long min, long max, long sum) => new()
    {
        ["sent"] = sent, ["received"] = received, ["rtt_min_ps"] = min, ["rtt_max_ps"] = max, ["rtt_sum_ps"] = sum, ["done"] = 1,
    };

    [Fact]
    public void Ping_must_print_loss_and_rtt_min_avg_max_in_microseconds_with_the_virtual_times()
    {
        // act
        var text = ShellFormat.Ping("host0", "host3", "host0/shell/ping-4", 1_000_000_000, Ping(3, 2, 10_368_000, 12_000_000, 22_368_000), 1_000_100_000);

        // assert
        Assert.Equal("PING host0 -> host3 (host0/shell/ping-4) at t=1ms: 3 sent, 2 received, 33% packet loss (held at t=1.0001ms)\nrtt min/avg/max = 10.368/11.184/12.000 us", text);
    }

    [Fact]
    public void A_ping_without_replies_must_print_no_rtt() =>
        Assert.Equal("PING host0 -> host1 (host0/shell/ping-1) at t=0ps: 1 sent, 0 received, 100% packet loss (held at t=1.1s)",
            ShellFormat.Ping("host0", "host1", "host0/shell/ping-1", 0, Ping(1, 0, 0, 0, 0), 1_100_000_000_000));

    [Fact]
    public void Pingall_must_print_Mininet_s_matrix_with_X_for_no_reply_the_drop_rate_and_the_rtts()
    {
        // arrange: h2 never answers h0
        string[] servers = ["h0", "h1", "h2"];
        var results = new Dictionary<(string, string), IReadOnlyDictionary<string, long>>();
        foreach (var s in servers)
            foreach (var t in servers.Where(t => t != s))
                results[(s, t)] = s == "h0" && t == "h2" ? Ping(1, 0, 0, 0, 0) : Ping(1, 1, 10_000_000, 10_000_000, 10_000_000);
        results[("h1", "h2")] = Ping(1, 1, 16_000_000, 16_000_000, 16_000_000);

        // act
        var text = ShellFormat.PingAll(servers, results, 0);

        // assert
        Assert.Equal("""
            *** Ping: testing ping reachability (t=0ps)
            h0 -> h1 X
            h1 -> h0 h2
            h2 -> h0 h1
            *** Results: 16% dropped (5/6 received)
            *** RTT min/avg/max = 10.000/11.200/16.000 us
            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Iperf_must_print_the_throughput_over_the_simulated_interval_in_gigabits()
    {
        // arrange: 117,500,000 bytes acked in 100 ms = 9.40 Gbit/s
        var counters = new Dictionary<string, long> { ["bytes_acked"] = 117_500_000, ["start_ps"] = 1_000_000_000, ["end_ps"] = 101_000_000_000, ["done"] = 1 };

        // act
        var text = ShellFormat.Iperf("host0", "host1", "host0/shell/iperf-2", 100_000_000_000, counters);

        // assert
        Assert.Equal("*** Iperf: testing TCP bandwidth between host0 and host1 for 100ms (host0/shell/iperf-2)\n"
            + "*** Results: ['9.40 Gbits/sec'] (117500000 bytes acked from t=1ms to t=101ms)", text);
    }

    [Fact]
    public void Nodes_links_and_dump_must_render_the_service_s_json()
    {
        // arrange
        var topology = JsonDocument.Parse("""
            {"description": "2 hosts, 1 leaf", "switches": [{"name": "leaf0", "tier": "leaf"}, {"name": "spine0", "tier": "spine"}],
             "servers": [{"name": "host0", "switch": "leaf0"}, {"name": "host1", "switch": "leaf0"}],
             "links": [{"a": "host0", "b": "leaf0", "rate_bps": 10000000000, "delay_ps": 1000000, "queue": "100 packets"}]}
            """).RootElement;
        var links = JsonDocument.Parse("""{"links": [{"from": "host0", "to": "leaf0", "tx_packets": 7}, {"from": "leaf0", "to": "host0", "tx_packets": 5}]}""").RootElement;
        var entities = JsonDocument.Parse("""
            {"simulated_time_ps": 2000000000, "path": "host0/nic0", "components": {"host0/nic0": {"kind": "nic", "counters": {"rx_packets": 5, "tx_packets": 7}}}}
            """).RootElement;

        // act / assert
        Assert.Equal("*** 2 hosts, 1 leaf\nleaf: leaf0\nspine: spine0\nservers: host0 host1", ShellFormat.Nodes(topology));
        Assert.Equal("host0<->leaf0 (10 Gbit/s, 1us, queue 100 packets): 7 packets ->, 5 packets <-", ShellFormat.Links(topology, links));
        Assert.Equal("*** host0/nic0 at t=2ms\nhost0/nic0 (nic)\n  rx_packets                     5\n  tx_packets                     7",
            ShellFormat.Dump(entities));
    }

    [Fact]
    public void A_listing_must_print_its_lines_as_they_came_with_what_and_when_and_how_many_were_left_out()
    {
        // arrange: two of three datapath flows (limit 2), and a NIC that keeps no listing
        var entities = JsonDocument.Parse("""
            {"simulated_time_ps": 2000000000, "path": "host0/vswitch", "components": {
              "host0/vswitch": {"kind": "vswitch", "counters": {"megaflows": 3}, "listings": {"datapath_flows": {"at_ps": 2000000000, "total": 3,
                "left_out": 1, "lines": ["recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), packets:164, bytes:186224, used:0.000s, actions:2",
                                         "recirc_id(0),in_port(2),eth_type(0x0806), packets:0, bytes:0, used:never, actions:1"]}}},
              "host0/nic0": {"kind": "nic", "counters": {}}}}
            """).RootElement;

        // act
        var text = ShellFormat.Listing(entities, "host0/vswitch", "datapath_flows", "datapath flows");
        var none = Assert.Throws<ShellException>(() => ShellFormat.Listing(entities, "host0/nic0", "openflow_rules", "OpenFlow rules"));

        // assert
        Assert.Equal("*** host0/vswitch at t=2ms: 3 datapath flows\n"
            + "recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), packets:164, bytes:186224, used:0.000s, actions:2\n"
            + "recirc_id(0),in_port(2),eth_type(0x0806), packets:0, bytes:0, used:never, actions:1\n"
            + "*** 1 more not shown (the first 2 of 3)", text);
        Assert.Equal("host0/nic0 (nic) keeps no OpenFlow rules", none.Message);
    }
}
