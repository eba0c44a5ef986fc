using System.Globalization;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// `dcsim run --pcap`: the files open in tshark with as many frames as links.csv says the ports sent, the simulated times as capture
/// times, the packets' addresses, ports and TCP flags, nothing malformed, and the same bytes on 1 and 3 partitions and 3 processes.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class PcapRunSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    // host0 sends 1000 B datagrams every 8 us to host3 (UDP 1024 -> 5000), host1 a 100 KB TCP flow to host2 (32768 -> 5001).
    private const string Scenario = """
        name = "pcap"
        seed = 3
        duration = 300us
        topology { spines = 2, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [
          { kind = cbr, hosts = [0], rate = 1Gbps, packet-size = 1000B, destination = fixed, target = 3 }
          { kind = tcp-bulk, hosts = [1], destination = fixed, target = 2, tcp-bulk { flow-size = 100KB } }
        ]
        """;

    private const string Points = "host0,host1->leaf0,leaf0->spine*";
    private static readonly string[] Files = ["host0-to-leaf0.pcap", "host1-to-leaf0.pcap", "leaf0-to-host0.pcap", "leaf0-to-spine0.pcap", "leaf0-to-spine1.pcap"];

    private static string RunScenario(params string[] extra)
    {
        var dir = Scratch.Directory("pcap");
        var scenario = Path.Combine(dir, "pcap.conf");
        File.WriteAllText(scenario, Scenario);
        var output = Path.Combine(dir, "out");
        var result = Dcsim.Run(Timeout, ["run", scenario, "--out", output, "--journal", "off", "--pcap", Points, .. extra]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains($"pcap     {Path.Combine(output, "pcap", "host0-to-leaf0.pcap")}: 37 frames of host0->leaf0", result.Stdout);
        Assert.Equal(Files, Directory.GetFiles(Path.Combine(output, "pcap")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        return output;
    }

    /// <summary>links.csv's transmitted packets and wire bytes of the port FROM->TO.</summary>
    private static (long Packets, long WireBytes) Sent(string output, string from, string to)
    {
        var lines = File.ReadAllLines(Path.Combine(output, "links.csv"));
        var header = lines[0].Split(',');
        var row = lines.Skip(1).Select(l => l.Split(',')).Single(r => r[0] == from && r[1] == to);
        return (long.Parse(row[Array.IndexOf(header, "tx_packets")]), long.Parse(row[Array.IndexOf(header, "tx_wire_bytes")]));
    }

    /// <summary>Frame capture times in ns since the run's start (tshark prints epoch seconds with 9 decimals).</summary>
    private static long Ns(string epoch) => long.Parse(epoch.Replace(".", ""), CultureInfo.InvariantCulture);

    [TsharkFact]
    public void Captures_must_open_in_tshark_with_the_ports_frames_times_and_headers()
    {
        // act
        var output = RunScenario();
        string File(string name) => Path.Combine(output, "pcap", name);

        // assert: every port's frame count and bytes are links.csv's (frame + FCS 4 B + preamble and gap 20 B on the wire); nothing malformed
        foreach (var (name, from, to) in new[] { ("host0-to-leaf0.pcap", "host0", "leaf0"), ("host1-to-leaf0.pcap", "host1", "leaf0"),
                     ("leaf0-to-host0.pcap", "leaf0", "host0"), ("leaf0-to-spine0.pcap", "leaf0", "spine0"), ("leaf0-to-spine1.pcap", "leaf0", "spine1") })
        {
            var lengths = Tshark.Read(File(name), "-T", "fields", "-e", "frame.len").Select(long.Parse).ToList();
            var (packets, wireBytes) = Sent(output, from, to);
            Assert.Equal(packets, lengths.Count);
            Assert.Equal(wireBytes, lengths.Sum() + 24 * lengths.Count);
            Assert.Empty(Tshark.Read(File(name), "-Y", "_ws.malformed || _ws.expert.severity >= error"));
        }
        Assert.Equal((37L, 73L, 0L), (Sent(output, "host0", "leaf0").Packets, Sent(output, "host1", "leaf0").Packets, Sent(output, "leaf0", "host0").Packets));

        // the datagrams: 10.0.0.0:1024 -> 10.0.0.3:5000, 1042 B frames, one every 8 us (1000 B at 1 Gb/s) of simulated time ...
        var udp = Tshark.Read(File("host0-to-leaf0.pcap"), "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ip.dst",
            "-e", "udp.srcport", "-e", "udp.dstport", "-e", "frame.len", "-e", "ip.checksum.status", "-o", "ip.check_checksum:TRUE").Select(l => l.Split('\t')).ToList();
        Assert.All(udp, f => Assert.Equal(["10.0.0.0", "10.0.0.3", "1024", "5000", "1042", "1"], f[1..]));
        Assert.Equal(8_888, Ns(udp[0][0]));
        Assert.All(Enumerable.Range(1, udp.Count - 1), i => Assert.Equal(8_000, Ns(udp[i][0]) - Ns(udp[i - 1][0])));
        // ... and each leaves leaf0 for spine0 one hop later: 1066 B of wire time at 10 Gb/s (852.8 ns) and 1 us of cable
        var up = Tshark.Read(File("leaf0-to-spine0.pcap"), "-T", "fields", "-e", "frame.time_epoch", "-e", "udp.dstport").Select(l => l.Split('\t')).ToList();
        Assert.All(Enumerable.Range(0, udp.Count), i => Assert.InRange(Ns(up[i][0]) - Ns(udp[i][0]), 1_852, 1_853));

        // the TCP flow: 10.0.0.1:32768 -> 10.0.0.2:5001, a SYN, then ACKs carrying 100,000 B in 1448 B segments, one FIN
        var tcp = Tshark.Read(File("host1-to-leaf0.pcap"), "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport",
            "-e", "tcp.flags", "-e", "tcp.len", "-e", "tcp.seq_raw").Select(l => l.Split('\t')).ToList();
        Assert.All(tcp, f => Assert.Equal(["10.0.0.1", "10.0.0.2", "32768", "5001"], f[..4]));
        Assert.Equal(["0x0002", "0", "0"], tcp[0][4..]);
        Assert.Equal(["0x0010", "1448", "1"], tcp[2][4..]);
        Assert.Single(tcp, f => f[4] == "0x0011");
        Assert.Equal(100_000, tcp.Sum(f => int.Parse(f[5])));
        Assert.Equal(71, tcp.Count(f => f[4] == "0x0010"));
    }

    [TsharkFact]
    public void Captures_must_be_byte_identical_on_one_and_three_partitions_and_three_processes()
    {
        // act
        var one = RunScenario();
        var three = RunScenario("--partitions", "3");
        var cluster = RunScenario("--nodes", "3");

        // assert
        foreach (var name in Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(one, "pcap", name));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(three, "pcap", name)));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(cluster, "pcap", name)));
        }
        Assert.Equal(37, Tshark.Read(Path.Combine(cluster, "pcap", "host0-to-leaf0.pcap")).Length);
    }
}
