using System.Globalization;
using System.Text.Json;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The real `dcsim` on a small lossless TCP scenario (2 leaves x 4 hosts, 1 spine, every link 10 Gb/s 1 us, no stack costs): a 2 MB bulk
/// transfer across the spine, 5 incast rounds of 3 x 64 KiB across the spine, and netperf TCP_RR between two hosts of one leaf. Every
/// TCP result file must hold the numbers the wire allows: frames of 1448 B + 90 B, 1 us per hop.
/// </summary>
public sealed class TcpRunSpec
{
    private const string Scenario = """
        name = "tcp-run"
        seed = 3
        duration = 5ms
        topology {
          spines = 1
          leaves = 2
          hosts-per-leaf = 4
          switch-queue { limit = 100, unit = packets }
        }
        servers.stack-costs = free
        tcp { congestion-control = newreno, delayed-ack-segments = 1 }
        traffic.generators = [
          { kind = tcp-bulk, hosts = [0], destination = fixed, target = 4, tcp-bulk { flow-size = 2MB, cwnd-trace = 50us } }
          { kind = incast, hosts = ["1-3"], destination = incast, target = 5, incast { response-size = 64KiB, rounds = 5 } }
          { kind = tcp-rr, hosts = [6], destination = fixed, target = 7 }
        ]
        """;

    /// <summary>Seconds to send <paramref name="bytes"/> as full segments at 10 Gb/s, 90 B of framing per segment.</summary>
    private static double WireSeconds(long bytes) => (bytes + Math.Ceiling(bytes / 1448.0) * 90) * 8 / 10e9;

    private static List<Dictionary<string, string>> Csv(string file)
    {
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(','), (key, value) => (key, value)).ToDictionary(p => p.key, p => p.value)).ToList();
    }

    private static double Number(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    [Fact]
    public void A_TCP_run_must_write_flows_series_rr_and_summary_with_the_numbers_of_the_wire()
    {
        // arrange
        var dir = Scratch.Directory("tcp-run");
        var file = Path.Combine(dir, "tcp.conf");
        File.WriteAllText(file, Scenario);
        var output = Path.Combine(dir, "out");

        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(2), "run", file, "--out", output);

        // assert: five connections — the bulk transfer, one per incast sender (opened by the aggregator, host 5), the TCP_RR loop
        Assert.True(result.ExitCode == 0, result.Stderr);
        var flows = Csv(Path.Combine(output, "tcp-flows.csv"));
        Assert.Equal(5, flows.Count);
        Assert.All(flows, f => Assert.Equal("0", f["retransmissions"]));
        Assert.All(flows, f => Assert.Equal("0", f["timeouts"]));

        // the bulk flow: every byte read, in the ideal time of an idle network (its 2 MB on the wire plus the handshake)
        var bulk = Assert.Single(flows, f => f["generator"] == "0");
        Assert.Equal(("0", "4", 2_000_000L), (bulk["source"], bulk["destination"], (long)Number(bulk, "size")));
        Assert.Equal(2_000_000, Number(bulk, "bytes_received"));
        var fctUs = Number(bulk, "fct_us");
        Assert.InRange(fctUs, WireSeconds(2_000_000) * 1e6, WireSeconds(2_000_000) * 1e6 + 30);
        Assert.InRange(Number(bulk, "slowdown"), 1.0, 1.01);
        Assert.Equal(Math.Round(fctUs / Number(bulk, "ideal_fct_us"), 4), Math.Round(Number(bulk, "slowdown"), 4));
        // both ends' segments: 1382 full-size data segments, an ACK for each (delayed-ack-segments = 1), and the handshakes' few
        Assert.InRange(Number(bulk, "segments_sent"), 2 * 1382, 2 * 1382 + 8);

        // the incast connections: 5 requests of 64 B read by each sender, 5 x 64 KiB answered and acknowledged (+ the FINs at the end)
        var incast = flows.Where(f => f["generator"] == "1").ToList();
        Assert.Equal(["1", "2", "3"], incast.Select(f => f["destination"]).Order());
        Assert.All(incast, f => Assert.Equal(("5", 320.0, 5 * (65_536 + 64) + 2.0), (f["source"], Number(f, "bytes_received"), Number(f, "bytes_acked"))));

        // the TCP_RR loop: 100 B requests read by the server, one transaction (100 B + 200 B) acknowledged per completed request
        var rr = Assert.Single(flows, f => f["generator"] == "2");
        var rrRow = Assert.Single(Csv(Path.Combine(output, "rr.csv")));
        Assert.Equal(("2", "6", "7", "tcp"), (rrRow["generator"], rrRow["client"], rrRow["server"], rrRow["protocol"]));
        var transactions = Number(rrRow, "transactions");
        Assert.Equal(Number(rrRow, "requests"), transactions + 1);
        Assert.Equal(100 * Number(rrRow, "requests"), Number(rr, "bytes_received"));
        Assert.Equal(300 * transactions, Number(rr, "bytes_acked"));
        // the round trip: 4 hops of 1 us plus a 190 B request and a 290 B response frame at 10 Gb/s on 2 hops each, at least
        var floorUs = 4 + 2 * (190 + 290) * 8 / 10e3;
        Assert.InRange(Number(rrRow, "rtt_mean_us"), floorUs, floorUs + 1);
        Assert.Equal(1e6 / Number(rrRow, "rtt_mean_us"), Number(rrRow, "transactions_per_s"), 0.002 * Number(rrRow, "transactions_per_s"));

        // series.csv: the bulk flow's window every 50 us from IW10 up to its largest, and 5 incast rounds of 3 x 64 KiB through host 5's port
        var series = Csv(Path.Combine(output, "series.csv"));
        var cwnd = series.Where(s => s["series"] == "cwnd/0000000000000000").Select(s => Number(s, "value")).ToList();
        Assert.InRange(cwnd.Count, 30, 35);
        Assert.All(cwnd, c => Assert.InRange(c, 10 * 1448, Number(bulk, "max_cwnd")));
        Assert.True(cwnd.Zip(cwnd.Skip(1), (before, after) => after >= before).All(grows => grows), "a lossless flow's window never shrinks");
        var rounds = series.Where(s => s["series"] == "incast/1").Select(s => Number(s, "value") / 1e12).ToList();
        Assert.Equal(5, rounds.Count);
        Assert.All(rounds, r => Assert.InRange(r, 3 * WireSeconds(65_536), 1.1 * 3 * WireSeconds(65_536)));

        // summary.json's tcp section sums tcp-flows.csv
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var tcp = summary.RootElement.GetProperty("tcp");
        Assert.Equal(5, tcp.GetProperty("connections").GetInt32());
        Assert.Equal(1, tcp.GetProperty("sized_flows").GetInt32());
        Assert.Equal(1, tcp.GetProperty("completed_flows").GetInt32());
        Assert.Equal(flows.Sum(f => (long)Number(f, "bytes_received")), tcp.GetProperty("bytes_received").GetInt64());
        Assert.Equal(0, tcp.GetProperty("timeouts").GetInt64());
        var all = tcp.GetProperty("fct_slowdown").GetProperty("all");
        Assert.Equal(1, all.GetProperty("flows").GetInt32());
        Assert.Equal(Number(bulk, "slowdown"), all.GetProperty("p50").GetDouble(), 6);
        Assert.Equal(1, tcp.GetProperty("fct_slowdown").GetProperty("1MB-10MB").GetProperty("flows").GetInt32());
        var qct = tcp.GetProperty("incast_completion_ns").GetProperty("1/target5");
        Assert.Equal(5, qct.GetProperty("count").GetInt32());
        Assert.Equal(rounds.Average() * 1e9, qct.GetProperty("mean").GetDouble(), 1.0);
    }
}
