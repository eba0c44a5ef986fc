using System.Text.Json;
using DcSim.ActorsHost.Traffic;
using DcSim.Runner.Results;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.Runner.Tests;

public sealed class ResultFilesSpec
{
    private static (ScenarioSettings, ResultsBuilder) Sample()
    {
        var scenario = ScenarioLoader.Parse("duration = 2ms\nseed = 5\ntraffic.generators = [{ kind = cbr }]\n", "sample.conf", ".", ActorsHost.FabricModel.Instance);
        var results = new ResultsBuilder();
        var f = results.Flow(FlowIds.Make(3, 0, 0));
        f.Source = 3; f.Destination = 7; f.Generator = 0; f.Kind = "cbr";
        f.SentPackets = 10; f.SentBytes = 10_000; f.DeliveredPackets = 7; f.DeliveredBytes = 7_000; f.DroppedPackets = 2; f.DroppedBytes = 2_000;
        f.InFlightPackets = 1; f.InFlightBytes = 1_000;
        foreach (var us in new[] { 5, 6, 7, 8, 9, 10, 50 }) f.LatencyOrCreate().Record(us * 1_000_000L);
        f.DropsAt["leaf0->spine1"] = 2;
        results.AddLink(new LinkStats { From = "leaf0", To = "spine1", FromLp = 40, FromPort = 9, RateBps = 40_000_000_000, DelayPs = 1_000_000, TxPackets = 5, BusyPs = 1_000_000_000, DroppedPackets = 2, DroppedBytes = 2_000,
            EarlyDroppedPackets = 1, EcnMarkedPackets = 3 });
        results.EventsByLp["host3"] = 30;
        return (scenario, results);
    }

    [Fact]
    public void Summary_must_hold_totals_latency_percentiles_and_the_conservation_verdict()
    {
        var (scenario, results) = Sample();
        using var doc = JsonDocument.Parse(ResultFiles.SummaryJson(scenario, results, new RunSummary(results)));
        var totals = doc.RootElement.GetProperty("totals");
        Assert.Equal(10, totals.GetProperty("sent_packets").GetInt64());
        Assert.Equal(7, totals.GetProperty("delivered_packets").GetInt64());
        Assert.True(totals.GetProperty("conservation_holds").GetBoolean());
        var latency = doc.RootElement.GetProperty("latency_ns");
        Assert.Equal(7, latency.GetProperty("count").GetInt64());
        Assert.Equal(50_000, latency.GetProperty("max").GetDouble());
        Assert.InRange(latency.GetProperty("p50").GetInt64(), 7_900, 8_100);
        Assert.Equal(2, doc.RootElement.GetProperty("drops_by_location").GetProperty("leaf0->spine1").GetInt64());
        Assert.Equal(0.5, doc.RootElement.GetProperty("links").GetProperty("max_utilisation").GetDouble());
        Assert.Equal(5UL, doc.RootElement.GetProperty("scenario").GetProperty("seed").GetUInt64());
    }

    [Fact]
    public void Conservation_must_be_reported_broken_when_a_packet_is_unaccounted_for()
    {
        var (scenario, results) = Sample();
        results.Flows.Values.Single().InFlightPackets = 0;
        using var doc = JsonDocument.Parse(ResultFiles.SummaryJson(scenario, results, new RunSummary(results)));
        Assert.False(doc.RootElement.GetProperty("totals").GetProperty("conservation_holds").GetBoolean());
    }

    [Fact]
    public void Csv_files_must_have_a_header_and_one_row_per_flow_and_link()
    {
        var (scenario, results) = Sample();
        var flows = ResultFiles.FlowsCsv(results).TrimEnd('\n').Split('\n');
        var links = ResultFiles.LinksCsv(results, scenario.DurationPs).TrimEnd('\n').Split('\n');
        Assert.Equal(2, flows.Length);
        Assert.StartsWith("flow_id,source,destination", flows[0]);
        Assert.Equal(flows[0].Split(',').Length, flows[1].Split(',').Length);
        Assert.EndsWith("leaf0->spine1=2", flows[1]);
        Assert.Equal(2, links.Length);
        Assert.StartsWith("leaf0,spine1,40000000000,1000000,5,", links[1]);
        Assert.EndsWith(",dropped_packets,dropped_bytes,early_dropped,ecn_marked", links[0]);
        Assert.EndsWith(",2,2000,1,3", links[1]);
    }

    [Fact]
    public void Ecn_marks_and_early_drops_must_be_totalled_in_the_summaries()
    {
        var (scenario, results) = Sample();
        using var doc = JsonDocument.Parse(ResultFiles.SummaryJson(scenario, results, new RunSummary(results)));
        var links = doc.RootElement.GetProperty("links");
        Assert.Equal((3L, 1L), (links.GetProperty("ecn_marked_packets").GetInt64(), links.GetProperty("early_dropped_packets").GetInt64()));
        Assert.Contains("\necn      3 packets marked CE, 1 dropped early by RED\n", ResultFiles.HumanSummary(scenario, results));
    }

    [Fact]
    public void Guest_bonds_must_be_totalled_in_the_printed_summary_only_when_there_are_some()
    {
        // arrange: two bonds; one VF lost 2 frames in the NIC and 1 in its bond at its unplug
        var (scenario, results) = Sample();
        var without = ResultFiles.HumanSummary(scenario, results);
        foreach (var (path, changes, failovers) in new[] { ("host0/a-0/bond0", 2L, 1L), ("host0/b-0/bond0", 1L, 1L) })
        {
            var b = results.Counters(path, DcSim.ActorsHost.Sriov.GuestBond.ComponentKind);
            (b["active_changes"], b["failovers"], b["vf_tx_packets"], b["backup_tx_packets"]) = (changes, failovers, 1000, 300);
            (b["unplugged_rx_drops"], b["inactive_rx_drops"]) = (1, 4);
        }
        results.Counters("host0/nic0", DcSim.ActorsNic.SriovNic.ComponentKind)["vf0_unplug_drops"] = 2;

        // act
        var with = ResultFiles.HumanSummary(scenario, results);

        // assert
        Assert.DoesNotContain("bonds", without);
        Assert.Contains("\nbonds    2 VMs: 2 failovers, 1 failbacks; sent 2,000 through VFs, 600 through backups; lost 4 at VF unplugs, 8 on inactive slaves\n", with);
    }

    [Fact]
    public void Rr_csv_must_have_one_row_per_udp_rr_client_in_generator_then_client_order()
    {
        // arrange: two clients of generator 1 and one of generator 0, reported out of order
        var results = new ResultsBuilder();
        void Client(string path, int generator, int client, long transactions, long lost, long activePs, params long[] roundTripsPs)
        {
            var c = results.Counters(path, UdpRrResults.Kind);
            (c[UdpRrResults.Generator], c[UdpRrResults.Client], c[UdpRrResults.Server]) = (generator, client, 9);
            (c[UdpRrResults.Requests], c[UdpRrResults.Transactions], c[UdpRrResults.Lost], c[UdpRrResults.ActivePs]) = (transactions + lost, transactions, lost, activePs);
            foreach (var rtt in roundTripsPs) results.Histogram(TrafficHistograms.RoundTrip(generator), client).Record(rtt);
        }
        Client("host5/stack/gen1", 1, 5, 2, 0, 10_000_000, 4_000_000, 6_000_000);
        Client("host2/stack/gen1", 1, 2, 0, 1, 50_000_000);
        Client("host7/stack/gen0", 0, 7, 1, 0, 36_020_000, 36_020_000);

        // act
        var rows = ResultFiles.RrCsv(results).TrimEnd('\n').Split('\n');

        // assert: 2 transactions in 10 us = 200,000/s; 1 in 36.02 us = 27,762.354248/s (Felter's native UDP_RR)
        Assert.Equal("generator,client,server,requests,transactions,transactions_per_s,rtt_mean_us,rtt_min_us,rtt_p50_us,rtt_p99_us,rtt_max_us,lost,late_responses,active_ps,protocol", rows[0]);
        Assert.Equal("0,7,9,1,1,27762.354248,36.02,36.02,36.02,36.02,36.02,0,0,36020000,udp", rows[1]);
        Assert.Equal("1,2,9,1,0,0,0,0,0,0,0,1,0,50000000,udp", rows[2]);
        // p50 is the top of HdrHistogram's bucket around 4 us (1 ns wide), p99 is kept within the exact max
        Assert.Equal("1,5,9,2,2,200000,5,4,4.001,6,6,0,0,10000000,udp", rows[3]);
        Assert.Equal(4, rows.Length);
    }

    [Fact]
    public void Writing_must_leave_exactly_the_nine_files_and_no_partial_ones()
    {
        var (scenario, results) = Sample();
        var dir = Path.Combine(Path.GetTempPath(), $"dcsim-results-{Guid.NewGuid():N}");
        ResultFiles.Write(dir, scenario, results);
        Assert.Equal(["cores.csv", "endpoints.csv", "flows.csv", "links.csv", "rr.csv", "series.csv", "servers.csv", "summary.json", "tcp-flows.csv"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_migration_a_directive_started_must_have_its_row_in_migrations_csv_though_the_scenario_plans_none()
    {
        // arrange: web-0 (4 MiB) moves from host 0 to host 1, where db-0 runs, from 5 ms, by directive 2
        var scenario = ScenarioLoader.Parse("""
            duration = 100ms
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
            servers { hypervisor = kvm }
            vms = [ { name = web, hosts = [0], memory = 4MiB }, { name = db, hosts = [1], memory = 4MiB } ]
            """, "moves.conf", ".", ActorsHost.FabricModel.Instance);
        var results = SimCore.Kernel.InProcessRun.Run(ActorsHost.FabricModel.Instance, scenario,
            directives: [new SimCore.Kernel.Directive(2, 5_000_000_000, "migrate", ["web-0", "host1"])]);
        var dir = Path.Combine(Path.GetTempPath(), $"dcsim-results-{Guid.NewGuid():N}");

        // act
        ResultFiles.Write(dir, scenario, results);

        // assert: migration 2 (no planned ones), completed, from 5 ms
        var rows = File.ReadAllLines(Path.Combine(dir, ResultFiles.MigrationsFile));
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("2,web-0,host0,host1,completed,0.005,0.005,", rows[1]);
        Directory.Delete(dir, true);
    }
}
