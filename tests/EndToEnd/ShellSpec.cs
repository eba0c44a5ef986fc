using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// `dcsim shell` on config/scenarios/shell.conf (4 idle servers on 2 leaves, 10 Gbit/s host links, 40 Gbit/s fabric links, 1 us each):
/// a script replays byte-identically, ping shows the analytic idle-path round trip, iperf the bottleneck's rate, and a session typed on
/// standard input records a script that replays it.
/// </summary>
public sealed class ShellSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static string Scenario => Dcsim.RepositoryFile("config/scenarios/shell.conf");

    /// <summary>
    /// One way over idle links, store-and-forward: each link's line time (a 56 B echo in UDP/IPv4/Ethernet is a 102 B frame, 122 B on the
    /// wire with preamble and gap) plus its delay; two host links, and two fabric links between leaves.
    /// </summary>
    private static long OneWayPs(bool sameLeaf)
    {
        const long wireBits = (56 + 8 + 20 + 18 + 20) * 8;
        long Link(long rateBps) => wireBits * 1_000_000_000_000 / rateBps + 1_000_000;
        return 2 * Link(10_000_000_000) + (sameLeaf ? 0 : 2 * Link(40_000_000_000));
    }

    private static string Micros(long ps) => (ps / 1e6).ToString("0.000", CultureInfo.InvariantCulture);

    [Fact]
    public void A_script_must_replay_byte_identically_with_the_idle_path_rtts_and_the_bottleneck_rate()
    {
        // arrange
        var dir = Scratch.Directory("shell");
        var script = Path.Combine(dir, "script.txt");
        File.WriteAllLines(script, ["nodes", "pingall", "ping host0 host3", "ping host0 host1 count 3 interval 10us", "iperf host0 host2 20ms", "dump host0/shell",
            "run 1ms", "time"]);

        // act
        var first = Dcsim.Run(Limit, "shell", Scenario, "--script", script);
        var second = Dcsim.Run(Limit, "shell", Scenario, "--script", script);

        // assert
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        var (across, along) = (Micros(2 * OneWayPs(sameLeaf: false)), Micros(2 * OneWayPs(sameLeaf: true)));   // 8.488 us, 4.390 us
        Assert.Contains("*** Results: 0% dropped (12/12 received)", first.Stdout);
        // one ping at a time on an idle fabric: 4 of the 12 pairs share a leaf
        Assert.Contains($"*** RTT min/avg/max = {along}/{Micros((4 * 2 * OneWayPs(true) + 8 * 2 * OneWayPs(false)) / 12)}/{across} us", first.Stdout);
        Assert.Contains($"host0 -> host1 host2 host3\n", first.Stdout);
        Assert.Contains($"rtt min/avg/max = {across}/{across}/{across} us", first.Stdout);
        Assert.Matches(@"PING host0 -> host1 \(host0/shell/ping-\d+\) at t=[^:]+: 3 sent, 3 received, 0% packet loss", first.Stdout);
        Assert.Contains($"rtt min/avg/max = {along}/{along}/{along} us", first.Stdout);
        var gbps = double.Parse(Regex.Match(first.Stdout, @"\['([0-9.]+) Gbits/sec'\]").Groups[1].Value, CultureInfo.InvariantCulture);
        // TCP's payload over 10 Gbit/s host links: at most 10 x 1448 / 1538 = 9.41 Gbit/s (MSS over the frame on the wire)
        Assert.InRange(gbps, 9.0, 9.42);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_session_typed_on_standard_input_must_record_a_script_that_replays_it()
    {
        // arrange
        var dir = Scratch.Directory("shell-record");
        var record = Path.Combine(dir, "record.txt");
        var saved = Path.Combine(dir, "saved.txt");

        // act
        var typed = RunWithInput($"ping host0 host3\nrun 2ms\nbogus\nsave {saved}\nexit\ntime\n", "shell", Scenario, "--record", record);
        var replay = Dcsim.Run(Limit, "shell", Scenario, "--script", record);

        // assert
        Assert.True(typed.ExitCode == 0, typed.Stdout + typed.Stderr);
        Assert.Equal(["ping host0 host3", $"run until {PingHeldAt(typed.Stdout) + 2_000_000_000}ps"], File.ReadAllLines(record));
        Assert.Equal(File.ReadAllLines(record), File.ReadAllLines(saved));
        Assert.Contains("*** unknown command 'bogus': type help for the list", typed.Stdout);
        Assert.DoesNotContain("dcsim> time", typed.Stdout);   // exit ends the session
        Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr);
        Assert.Equal(Lines(typed.Stdout).Take(3), Lines(replay.Stdout).Take(3));   // the ping, then `run 2ms` replays as `run until`
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_migrate_must_move_the_VM_and_replay_byte_identically()
    {
        // arrange: web-0 (16 MiB, running from 2 ms) on host 0 gets a UDP stream from host 3; db-0 on host 2 gives host 2 a bridge for web-0
        // to arrive at
        var dir = Scratch.Directory("shell-migrate");
        var scenario = Path.Combine(dir, "rack.conf");
        File.WriteAllText(scenario, """
            duration = 300ms
            costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
            topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
            servers { hypervisor = kvm }
            vms = [ { name = web, hosts = [0], memory = 16MiB }, { name = db, hosts = [2], memory = 16MiB } ]
            traffic.generators = [ { kind = cbr, hosts = [3], destination = fixed, target = web-0, rate = 100Mbps, start = 5ms } ]
            """);
        var script = Path.Combine(dir, "script.txt");
        File.WriteAllLines(script, ["run 20ms", "migrate web-0 host2 max-bandwidth 1GiB/s", "run 100ms", "ping host3 web-0",
            "dump host2/vm-dock"]);

        // act
        var first = Dcsim.Run(Limit, "shell", scenario, "--script", script);
        var second = Dcsim.Run(Limit, "shell", scenario, "--script", script);

        // assert: taken by host 0 at 20 ms, and web-0 answers from host 2 afterwards
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Matches(@"\*\*\* migrate web-0 -> host2 at t=20(\.0+)?ms: live migration \d+ of web-0 from host0 to host2 \(pre-copy\) from 20ms", first.Stdout);
        Assert.Matches(@"PING host3 -> web-0 \(host3/shell/ping-\d+\) at t=[^:]+: 1 sent, 1 received, 0% packet loss", first.Stdout);
        Assert.Matches(@"vms_arrived\s+1", first.Stdout);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Dump_flows_must_print_a_vswitchs_rules_and_megaflows_as_OVS_does_consistent_with_its_cache_counters_and_replay_identically()
    {
        // arrange: vswitch-kernel.conf, its servers' vSwitches running config/scenarios/rules/host-acl.txt (4 rules) over traffic
        var dir = Scratch.Directory("shell-flows");
        var script = Path.Combine(dir, "script.txt");
        File.WriteAllLines(script, ["run 2ms", "ovs-ofctl dump-flows host0", "ovs-appctl dpctl/dump-flows host0", "dump host0/vswitch"]);
        var scenario = Dcsim.RepositoryFile("config/scenarios/vswitch-kernel.conf");

        // act
        var first = Dcsim.Run(Limit, "shell", scenario, "--script", script);
        var second = Dcsim.Run(Limit, "shell", scenario, "--script", script);

        // assert: the same bytes both times
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        var lines = Lines(first.Stdout).ToList();
        var rules = lines.Where(l => l.StartsWith(" cookie=", StringComparison.Ordinal)).ToList();
        var flows = lines.Where(l => l.StartsWith("recirc_id(", StringComparison.Ordinal)).ToList();
        long Counter(string name) => long.Parse(Regex.Match(first.Stdout, $@"\n  {name} +(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        // the rules file's four rules, installed at 0 and so 2 ms old, in `ovs-ofctl dump-flows` form
        Assert.Contains("*** host0/vswitch at t=2ms: 4 OpenFlow rules", first.Stdout);
        Assert.Equal(4, rules.Count);
        Assert.Matches(@"^ cookie=0x0, duration=0\.002s, table=0, n_packets=\d+, n_bytes=\d+, idle_age=0, priority=100,udp,in_port=2,tp_dst=5001 actions=drop$", rules[0]);
        Assert.EndsWith(", priority=10,in_port=1 actions=output:2", rules[3]);
        // the kernel datapath's megaflows in `dpctl/dump-flows` form: one line per cached flow; every packet counted in a flow was a hit
        Assert.Contains($"*** host0/vswitch at t=2ms: {Counter("megaflows")} datapath flows", first.Stdout);
        Assert.Equal(Counter("megaflows"), flows.Count);
        Assert.All(flows, f => Assert.Matches(@"^recirc_id\(0\),in_port\([12]\),eth_type\(0x0800\),ipv4\([^)]*frag=no\)(,udp\([^)]+\))?, packets:\d+, bytes:\d+, used:(never|0\.00[0-2]s), actions:(1|2|drop)$", f));
        var packets = flows.Sum(f => long.Parse(Regex.Match(f, @"packets:(\d+)").Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(packets <= Counter("megaflow_hits") + Counter("exact_match_hits"), $"{packets} packets in flows, more than the hits:\n{first.Stdout}");
        Assert.Equal(0, Counter("evictions"));
        Assert.Equal(Counter("megaflow_hits"), packets);   // none evicted: each hit is in a flow still cached
        Assert.Contains(flows, f => f.Contains("udp(dst=5001), packets:", StringComparison.Ordinal) && f.EndsWith("actions:drop", StringComparison.Ordinal));
        Directory.Delete(dir, recursive: true);
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Where the run held once the ping was done (ps), from "(held at t=...)".</summary>
    private static long PingHeldAt(string stdout)
    {
        var held = Regex.Match(stdout, @"\(held at t=([0-9.]+)(ms|us)\)");
        var unit = held.Groups[2].Value == "ms" ? 1_000_000_000m : 1_000_000m;
        return (long)(decimal.Parse(held.Groups[1].Value, CultureInfo.InvariantCulture) * unit);
    }

    private static Dcsim.Result RunWithInput(string input, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dcsim.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        if (!p.WaitForExit(Limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dcsim {string.Join(' ', args)} did not finish within {Limit}");
        }
        return new Dcsim.Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
