using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>topology.host-cpu and topology.vswitch: defaults, values, errors and the resolved rendering.</summary>
public sealed class ScenarioHostSpec
{
    // ---- defaults and values ----

    [Fact]
    public void Without_the_sections_every_server_has_the_defaults_and_no_vswitch()
    {
        var server = Parse("").Datacenter().Server;

        Assert.Equal(new HostSettings(8, 2_500_000_000, 10 * SimTime.Microsecond, 10 * SimTime.Microsecond, new VSwitchOptions(false, VSwitchDatapath.Kernel, "", 2, 2, 200_000, 100, 4_096,
            10 * SimTime.Second, 500 * SimTime.Millisecond, 100 * SimTime.Millisecond, 2_000,
            new DatapathCosts(256, 0, 1_000, 0, 100, 20_000, 5_000), new DatapathCosts(0, 8_192, 150, 30, 60, 20_000, 5_000)), 1000), server);
        Assert.Equal(VSwitchOptions.Defaults, server.VSwitch);
    }

    [Fact]
    public void Every_key_is_read()
    {
        using var dir = new TempDirectory();
        dir.Write("ovs/acl.flows", "priority=10,in_port=2,actions=output:1\n");

        var t = Parse("""
            topology {
              host-cpu { cores = 16, clock = 3.1GHz }
              vswitch {
                enabled = true
                datapath = netdev
                rules = "ovs/acl.flows"
                datapath-cores = 4
                handler-cores = 3
                flow-limit = 1000
                emc-insert-inv-prob = 0
                upcall-queue = 64
                max-idle = 1.5s
                revalidate-period = 100ms
                max-idle-over-limit = 50ms
                cycles-per-revalidated-flow = 0
                kernel { mask-cache-entries = 0, cycles-per-packet = 1, cycles-per-mask-probe = 2, cycles-per-upcall = 3, cycles-per-install = 4 }
                netdev { emc-entries = 2, cycles-per-packet = 5, cycles-per-emc-lookup = 6, cycles-per-mask-probe = 7, cycles-per-upcall = 8, cycles-per-install = 9 }
              }
            }
            """, dir.Path).Datacenter().Server;

        Assert.Equal(new HostSettings(16, 3_100_000_000, 10 * SimTime.Microsecond, 10 * SimTime.Microsecond, new VSwitchOptions(true, VSwitchDatapath.Netdev, "ovs/acl.flows", 4, 3, 1000, 0, 64,
            1_500 * SimTime.Millisecond, 100 * SimTime.Millisecond, 50 * SimTime.Millisecond, 0,
            new DatapathCosts(0, 0, 1, 0, 2, 3, 4), new DatapathCosts(0, 2, 5, 6, 7, 8, 9)), 1000), t);
        Assert.Equal(new DatapathProfile(DatapathKind.Netdev, 1000, 0, 2, 0, 64, 5, 6, 7, 8, 9), t.VSwitch.Profile);
    }

    [Fact]
    public void A_partly_set_vswitch_keeps_the_defaults_of_its_other_keys()
    {
        var v = Parse("topology.vswitch.enabled = yes\ntopology.host-cpu.clock = 800MHz").Datacenter().Server;

        Assert.Equal(800_000_000, v.ClockHz);
        Assert.Equal(VSwitchOptions.Defaults with { Enabled = true }, v.VSwitch);
    }

    [Fact]
    public void Datapath_caches_and_costs_must_be_in_range()
    {
        var e = Fails("""
            topology.vswitch {
              kernel.cycles-per-packet = -1
              kernel.mask-cache-entries = 65537
              netdev.emc-entries = 1000
              max-idle-over-limit = 0
              cycles-per-revalidated-flow = 1.5
            }
            """);

        AssertError(e, "topology.vswitch.kernel.cycles-per-packet", 2, "must be at least 0, got -1");
        AssertError(e, "topology.vswitch.kernel.mask-cache-entries", 3, "must be at most 65536, got 65537");
        AssertError(e, "topology.vswitch.netdev.emc-entries", 4, "must be a power of two", "got 1000");
        AssertError(e, "topology.vswitch.max-idle-over-limit", 5, "must be greater than 0");
        AssertError(e, "topology.vswitch.cycles-per-revalidated-flow", 6, "expected a whole number, got '1.5'");
        Assert.Equal(5, e.Errors.Count);
    }

    [Fact]
    public void The_core_budget_is_not_checked_while_the_vswitch_is_disabled_and_may_be_used_up_to_the_last_core()
    {
        Assert.Equal(1, Parse("topology.host-cpu.cores = 1").Datacenter().Server.Cores);
        var server = Parse("topology { host-cpu.cores = 5, vswitch { enabled = true, datapath-cores = 3, handler-cores = 1 } }").Datacenter().Server;
        Assert.Equal((5, 3, 1), (server.Cores, server.VSwitch.DatapathCores, server.VSwitch.HandlerCores));
    }

    [Fact]
    public void Rules_path_is_relative_to_the_scenario_file_and_kept_as_written()
    {
        using var dir = new TempDirectory();
        dir.Write("rules/l2.flows", "actions=normal\n");
        var scenario = dir.Write("scenarios/s.conf", "topology.vswitch { enabled = true, rules = \"../rules/l2.flows\" }\n");

        var s = ScenarioLoader.Load(scenario, FabricModel.Instance);

        Assert.Equal("../rules/l2.flows", s.Datacenter().Server.VSwitch.RulesFile);
        Assert.Contains("    rules = \"../rules/l2.flows\"\n", s.ResolvedHocon);
    }

    // ---- the resolved rendering ----

    [Fact]
    public void Resolved_hocon_renders_both_sections_with_every_key()
    {
        var resolved = Parse("").ResolvedHocon;

        Assert.Contains("  host-cpu {\n    clock = 2500MHz\n    cores = 8\n    idle-exit-latency = 10us\n    idle-threshold = 10us\n    max-backlog = 1000\n  }\n", resolved);
        Assert.Contains("""
              vswitch {
                cycles-per-revalidated-flow = 2000
                datapath = kernel
                datapath-cores = 2
                emc-insert-inv-prob = 100
                enabled = false
                flow-limit = 200000
                handler-cores = 2
                kernel {
                  cycles-per-install = 5000
                  cycles-per-mask-probe = 100
                  cycles-per-packet = 1000
                  cycles-per-upcall = 20000
                  mask-cache-entries = 256
                }
                max-idle = 10s
                max-idle-over-limit = 100ms
                netdev {
                  cycles-per-emc-lookup = 30
                  cycles-per-install = 5000
                  cycles-per-mask-probe = 60
                  cycles-per-packet = 150
                  cycles-per-upcall = 20000
                  emc-entries = 8192
                }
                revalidate-period = 500ms
                rule-changes = []
                rules = ""
                upcall-queue = 4096
              }

            """.Replace("\r\n", "\n"), resolved);
    }

    [Fact]
    public void Resolved_hocon_with_an_enabled_vswitch_parses_back_to_the_same_settings()
    {
        using var dir = new TempDirectory();
        dir.Write("rules dir/acl \"v2\".flows", "priority=1,actions=drop\n");
        var original = Parse("""
            topology {
              host-cpu { cores = 12, clock = 2.0000015GHz }
              vswitch {
                enabled = on
                datapath = netdev
                rules = "rules dir/acl \"v2\".flows"
                datapath-cores = 6
                handler-cores = 5
                flow-limit = 12345
                emc-insert-inv-prob = 1
                upcall-queue = 1
                max-idle = 2500ms
                revalidate-period = 250500us
              }
            }
            """, dir.Path);

        var again = Parse(original.ResolvedHocon, dir.Path);

        Assert.Equal(new HostSettings(12, 2_000_001_500, 10 * SimTime.Microsecond, 10 * SimTime.Microsecond, VSwitchOptions.Defaults with
        {
            Enabled = true, Datapath = VSwitchDatapath.Netdev, RulesFile = "rules dir/acl \"v2\".flows", DatapathCores = 6, HandlerCores = 5,
            FlowLimit = 12345, EmcInsertInverseProbability = 1, UpcallQueue = 1, MaxIdlePs = 2_500 * SimTime.Millisecond,
            RevalidatePeriodPs = 250_500 * SimTime.Microsecond,
        }, 1000), original.Datacenter().Server);
        Assert.Equal(original.Datacenter(), again.Datacenter());
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
        Assert.Contains("    clock = 2000001500Hz\n", original.ResolvedHocon);
        Assert.Contains("    enabled = true\n", original.ResolvedHocon);
        Assert.Contains("    max-idle = 2500ms\n", original.ResolvedHocon);
        Assert.Contains("    revalidate-period = 250500us\n", original.ResolvedHocon);
    }

    [Theory]
    [InlineData(3_000_000_000, "3GHz")]
    [InlineData(2_500_000_000, "2500MHz")]
    [InlineData(1_500_000, "1500KHz")]
    [InlineData(1_234_567, "1234567Hz")]
    public void Clock_is_rendered_in_the_largest_whole_unit(long hz, string text)
    {
        Assert.Equal(text, ScenarioHoconWriter.Frequency(hz));
        Assert.True(QuantityParser.TryParseFrequency(text, out var back, out _));
        Assert.Equal(hz, back);
    }

    // ---- errors ----

    [Theory]
    [InlineData("topology.host-cpu.cores = 0", "topology.host-cpu.cores", "must be at least 1, got 0")]
    [InlineData("topology.host-cpu.cores = many", "topology.host-cpu.cores", "expected a whole number")]
    [InlineData("topology.host-cpu.clock = 0GHz", "topology.host-cpu.clock", "greater than 0")]
    [InlineData("topology.host-cpu.clock = -2GHz", "topology.host-cpu.clock", "must be greater than 0, got '-2GHz'")]
    [InlineData("topology.host-cpu.clock = 2500", "topology.host-cpu.clock", "expected a frequency such as 2.5GHz")]
    [InlineData("topology.host-cpu.clock = 1.5Hz", "topology.host-cpu.clock", "not a whole number")]
    [InlineData("topology.vswitch.datapath-cores = 0", "topology.vswitch.datapath-cores", "must be at least 1, got 0")]
    [InlineData("topology.vswitch.handler-cores = -1", "topology.vswitch.handler-cores", "must be at least 1, got -1")]
    [InlineData("topology.vswitch.flow-limit = 0", "topology.vswitch.flow-limit", "must be at least 1, got 0")]
    [InlineData("topology.vswitch.flow-limit = 3000000000", "topology.vswitch.flow-limit", "must be at most 2147483647")]
    [InlineData("topology.vswitch.emc-insert-inv-prob = -1", "topology.vswitch.emc-insert-inv-prob", "must be at least 0, got -1")]
    [InlineData("topology.vswitch.upcall-queue = 0", "topology.vswitch.upcall-queue", "must be at least 1, got 0")]
    [InlineData("topology.vswitch.max-idle = 499ms", "topology.vswitch.max-idle", "must be at least 500ms (the smallest max-idle OVS accepts), got '499ms'")]
    [InlineData("topology.vswitch.max-idle = 0", "topology.vswitch.max-idle", "at least 500ms")]
    [InlineData("topology.vswitch.max-idle = -1s", "topology.vswitch.max-idle", "must not be negative")]
    [InlineData("topology.vswitch.max-idle = 10", "topology.vswitch.max-idle", "expected a duration")]
    [InlineData("topology.vswitch.revalidate-period = 0s", "topology.vswitch.revalidate-period", "greater than 0")]
    [InlineData("topology.vswitch.rules = [a, b]", "topology.vswitch.rules", "expected a single value, found a list")]
    public void Out_of_range_or_malformed_value(string line2, string key, string fragment)
    {
        AssertError("# a host or vswitch value\n" + line2 + "\n", key, 2, fragment);
    }

    [Theory]
    [InlineData("topology.vswitch.datapath = dpdk", "topology.vswitch.datapath", "'dpdk' is not one of kernel, netdev")]
    [InlineData("topology.vswitch.datapath = netdevv", "topology.vswitch.datapath", "did you mean 'netdev'?")]
    [InlineData("topology.vswitch.enabled = maybe", "topology.vswitch.enabled", "'maybe' is not one of true, false")]
    [InlineData("topology.vswitch.enabled = 1", "topology.vswitch.enabled", "true, false")]
    public void Word_that_is_not_one_of_the_allowed_words(string line2, string key, string fragment)
    {
        AssertError("# a bad word\n" + line2 + "\n", key, 2, fragment);
    }

    [Fact]
    public void Unknown_and_misplaced_keys_are_reported()
    {
        AssertError("topology {\n  vswitch {\n    flow-limt = 5\n  }\n}\n", "topology.vswitch.flow-limt", 3, "did you mean 'flow-limit'?");
        AssertError("topology {\n  host-cpu {\n    threads = 5\n  }\n}\n", "topology.host-cpu.threads", 3, "cores, clock");
        AssertError("# cores belong in topology.host-cpu\ncores = 4\n", "cores", 2, "'topology.host-cpu.cores'");
        AssertError("topology {\n  vswitch = true\n}\n", "topology.vswitch", 2, "expected an object { enabled, datapath");
    }

    [Fact]
    public void Vswitch_cores_beyond_the_budget_are_reported_at_the_core_count_the_file_set()
    {
        const string Budget = "at most host-cpu.cores - 1 = 7 may be used (one core stays for the revalidator and the host)";
        AssertError("topology {\n  vswitch {\n    enabled = true\n    datapath-cores = 4\n    handler-cores = 4\n  }\n}\n",
            "topology.vswitch.handler-cores", 5, "datapath-cores (4) + handler-cores (4) = 8", Budget);
        AssertError("topology.vswitch {\n  enabled = true\n  datapath-cores = 6\n}\n",
            "topology.vswitch.datapath-cores", 3, "datapath-cores (6) + handler-cores (2) = 8", Budget);
        AssertError("topology {\n  host-cpu.cores = 4\n  vswitch.enabled = true\n}\n",
            "topology.host-cpu.cores", 2, "= 4", "at most host-cpu.cores - 1 = 3");
        // The defaults fit in 8 cores; only enabling the vswitch on one core is reported at the core count.
        AssertError("topology.host-cpu.cores = 1\ntopology.vswitch.enabled = true\n", "topology.host-cpu.cores", 1, "at most host-cpu.cores - 1 = 0");
    }

    [Fact]
    public void Missing_rules_file_is_reported_at_the_key_that_names_it()
    {
        using var dir = new TempDirectory();
        var e = Fails("topology {\n  vswitch {\n    enabled = true\n    rules = \"flows/no-such.flows\"\n  }\n}\n", dir.Path);

        AssertError(e, "topology.vswitch.rules", 4, "rules file 'flows/no-such.flows' not found", Path.Combine(dir.Path, "flows", "no-such.flows"),
            "relative to the scenario file's directory");
        Assert.Single(e.Errors);
    }

    [Fact]
    public void A_directory_is_not_a_rules_file()
    {
        using var dir = new TempDirectory();
        dir.Write("flows/a.flows", "actions=drop\n");
        AssertError(Fails("topology.vswitch.rules = flows\n", dir.Path), "topology.vswitch.rules", 1, "'flows' not found");
    }

    [Fact]
    public void All_host_and_vswitch_errors_are_reported_together()
    {
        var e = Fails("""
            topology {
              host-cpu { cores = 0, clock = fast }
              vswitch {
                datapath = xdp
                upcall-queue = 0
                revalidate-period = -1ms
              }
            }
            """);

        Assert.Equal(5, e.Errors.Count);
        Assert.Equal([2, 2, 4, 5, 6], e.Errors.Select(x => x.Line));
        AssertError(e, "topology.host-cpu.cores", 2, "at least 1");
        AssertError(e, "topology.host-cpu.clock", 2, "expected a frequency");
        AssertError(e, "topology.vswitch.datapath", 4, "kernel, netdev");
        AssertError(e, "topology.vswitch.upcall-queue", 5, "at least 1");
        AssertError(e, "topology.vswitch.revalidate-period", 6, "greater than 0");
    }
}
