using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>Every class of bad input gives an error naming the file, the line and the full key.</summary>
public sealed class ScenarioErrorSpec
{
    // ---- unknown keys ----

    [Fact]
    public void Unknown_top_level_key_suggests_the_closest_key()
    {
        AssertError("name = \"x\"\ndurations = 5ms\n", "durations", 2, "unknown key 'durations'", "did you mean 'duration'?");
    }

    [Fact]
    public void Unknown_key_in_a_nested_object_is_reported_with_its_full_path()
    {
        AssertError("""
            topology {
              host-link {
                rate = 10Gbps
                dealy = 1us
              }
            }
            """, "topology.host-link.dealy", 4, "did you mean 'delay'?");
    }

    [Fact]
    public void Unknown_key_in_a_generator_is_reported_with_its_index()
    {
        AssertError("""
            traffic.generators = [
              { kind = cbr }
              {
                kind = poisson
                pakcet-size = 100B
              }
            ]
            """, "traffic.generators[1].pakcet-size", 5, "did you mean 'packet-size'?");
    }

    [Fact]
    public void Unknown_key_in_an_object_inside_a_generator()
    {
        AssertError("traffic.generators = [\n  { kind = on-off\n    on-off { on = 1ms, offf = 2ms } }\n]\n",
            "traffic.generators[0].on-off.offf", 3, "did you mean 'off'?");
    }

    [Fact]
    public void Key_in_the_wrong_place_points_to_where_it_belongs()
    {
        AssertError("# spines belong in topology\nspines = 4\n", "spines", 2, "'topology.spines'");
    }

    [Fact]
    public void Unknown_key_without_a_close_match_lists_the_keys_of_its_object()
    {
        AssertError("kernel {\n  threads = 2\n}\n", "kernel.threads", 2, "partitions, progress-interval, checkpoint-interval, checkpoint-wall-interval");
    }

    [Fact]
    public void Dcsim_scenario_prefix_is_explained()
    {
        AssertError("dcsim.scenario.seed = 3\n", "dcsim", 1, "top level");
    }

    // ---- wrong types ----

    [Fact]
    public void Text_where_a_number_belongs()
    {
        AssertError("topology {\n  spines = \"four\"\n}\n", "topology.spines", 2, "expected a whole number", "'four'");
    }

    [Fact]
    public void Rate_without_a_unit()
    {
        AssertError("traffic.generators = [\n  { rate = 12 }\n]\n", "traffic.generators[0].rate", 2, "expected a rate", "'12'");
    }

    [Fact]
    public void Size_and_duration_without_units()
    {
        var e = Fails("duration = 10\ntraffic.generators = [ { packet-size = 1000 } ]\n");
        AssertError(e, "duration", 1, "expected a duration");
        AssertError(e, "traffic.generators[0].packet-size", 2, "expected a size");
    }

    [Fact]
    public void Object_where_a_value_belongs()
    {
        AssertError("seed = 2\ntopology.leaves { count = 4 }\n", "topology.leaves", 2, "expected a single value, found an object");
    }

    [Fact]
    public void List_where_a_value_belongs()
    {
        AssertError("\nduration = [1ms, 2ms]\n", "duration", 2, "expected a single value, found a list");
    }

    [Fact]
    public void Value_where_an_object_belongs()
    {
        AssertError("topology {\n  host-link = 10Gbps\n}\n", "topology.host-link", 2, "expected an object { rate, delay }");
    }

    [Fact]
    public void Generators_must_be_a_list_of_objects()
    {
        AssertError("\ntraffic.generators = cbr\n", "traffic.generators", 2, "expected a list of generator objects");
        AssertError("traffic.generators = [\n  { kind = cbr },\n  poisson\n]\n", "traffic.generators[1]", 3, "expected a generator object");
    }

    // ---- out of range ----

    [Theory]
    [InlineData("topology.spines = 0", "topology.spines", "at least 1")]
    [InlineData("topology.leaves = -2", "topology.leaves", "at least 1")]
    [InlineData("topology.hosts-per-leaf = 0", "topology.hosts-per-leaf", "at least 1")]
    [InlineData("topology { leaves = 1, hosts-per-leaf = 1 }", "topology.hosts-per-leaf", "at least 2")]
    [InlineData("topology.host-link.rate = 0Gbps", "topology.host-link.rate", "positive")]
    [InlineData("topology.fabric-link.rate = -40Gbps", "topology.fabric-link.rate", "greater than 0")]
    [InlineData("topology.fabric-link.delay = -1us", "topology.fabric-link.delay", "must not be negative")]
    [InlineData("duration = 0s", "duration", "greater than 0")]
    [InlineData("duration = 1.5ps", "duration", "not a whole number")]
    [InlineData("seed = -1", "seed", "at least 0")]
    [InlineData("seed = 1.5", "seed", "whole number")]
    [InlineData("topology.host-queue.limit = 0", "topology.host-queue.limit", "at least 1")]
    [InlineData("topology.host-queue.limit = 1MB", "topology.host-queue.limit", "set unit = bytes")]
    [InlineData("topology.host-queue.limit = lots", "topology.host-queue.limit", "expected a whole number")]
    [InlineData("topology.switch-queue.limit = 60", "topology.switch-queue.limit", "at least 64")]
    [InlineData("topology.host-queue.ecn.threshold = -1", "topology.host-queue.ecn.threshold", "at least 0")]
    [InlineData("topology.host-queue.ecn.threshold = 30KB", "topology.host-queue.ecn.threshold", "set unit = bytes")]
    [InlineData("topology.switch-queue.ecn.threshold = -1", "topology.switch-queue.ecn.threshold", "must not be negative")]
    [InlineData("topology.switch-queue.ecn.red.min = -5", "topology.switch-queue.ecn.red.min", "must not be negative")]
    [InlineData("topology.switch-queue.ecn.red.max-probability = 0", "topology.switch-queue.ecn.red.max-probability", "greater than 0 and at most 1")]
    [InlineData("topology.switch-queue.ecn.red.max-probability = 1.5", "topology.switch-queue.ecn.red.max-probability", "greater than 0 and at most 1")]
    [InlineData("topology.host-queue.ecn.red.weight = 0", "topology.host-queue.ecn.red.weight", "greater than 0 and at most 1")]
    [InlineData("topology.host-queue.ecn.red.weight = often", "topology.host-queue.ecn.red.weight", "expected a number")]
    [InlineData("kernel.partitions = 0", "kernel.partitions", "at least 1")]
    [InlineData("kernel.partitions = many", "kernel.partitions", "expected auto")]
    [InlineData("kernel.progress-interval = 0s", "kernel.progress-interval", "greater than 0")]
    [InlineData("kernel.checkpoint-interval = 0s", "kernel.checkpoint-interval", "greater than 0")]
    [InlineData("kernel.checkpoint-interval = sometimes", "kernel.checkpoint-interval", "sometimes")]
    [InlineData("kernel.checkpoint-wall-interval = -30s", "kernel.checkpoint-wall-interval", "greater than 0")]
    [InlineData("kernel.layout-pilot = 0", "kernel.layout-pilot", "greater than 0 and at most 1")]
    [InlineData("kernel.layout-pilot = 1.5", "kernel.layout-pilot", "greater than 0 and at most 1")]
    [InlineData("kernel.layout-pilot = 1%", "kernel.layout-pilot", "expected a number")]
    [InlineData("traffic.generators = [{ rate = 0bps }]", "traffic.generators[0].rate", "positive")]
    [InlineData("traffic.generators = [{ packet-size = 0B }]", "traffic.generators[0].packet-size", "at least 1")]
    [InlineData("traffic.generators = [{ packet-size = 70000B }]", "traffic.generators[0].packet-size", "at most 65507")]
    [InlineData("traffic.generators = [{ start = -1ms }]", "traffic.generators[0].start", "must not be negative")]
    [InlineData("traffic.generators = [{ start = 2ms, stop = 1ms }]", "traffic.generators[0].stop", "after start 2ms")]
    [InlineData("traffic.generators = [{ stop = 20ms }]", "traffic.generators[0].stop", "after the end of the scenario (duration = 10ms)")]
    [InlineData("traffic.generators = [{ start = 10ms }]", "traffic.generators[0].start", "before stop")]
    [InlineData("traffic.generators = [{ on-off.on = 0s }]", "traffic.generators[0].on-off.on", "greater than 0")]
    [InlineData("traffic.generators = [{ on-off.off = -1us }]", "traffic.generators[0].on-off.off", "must not be negative")]
    [InlineData("traffic.generators = [{ request-response.request-size = 70000B }]", "traffic.generators[0].request-response.request-size", "at most 65507")]
    [InlineData("traffic.generators = [{ request-response.response-size = 0B }]", "traffic.generators[0].request-response.response-size", "at least 1")]
    [InlineData("traffic.generators = [{ request-response.service-time = -5us }]", "traffic.generators[0].request-response.service-time", "must not be negative")]
    public void Out_of_range_value(string line2, string key, string fragment)
    {
        AssertError("# a case of an out-of-range value\n" + line2 + "\n", key, 2, fragment);
    }

    [Theory]
    [InlineData("traffic.generators = [{ kind = cbrr }]", "traffic.generators[0].kind", "cbr, poisson, on-off, request-response", "did you mean 'cbr'?")]
    [InlineData("traffic.generators = [{ destination = broadcast }]", "traffic.generators[0].destination", "random, permutation, incast, fixed", "'broadcast'")]
    [InlineData("traffic.generators = [{ size-distribution = uniform }]", "traffic.generators[0].size-distribution", "fixed, exponential", "'uniform'")]
    [InlineData("traffic.generators = [{ on-off.periods = pareto }]", "traffic.generators[0].on-off.periods", "fixed, exponential", "'pareto'")]
    [InlineData("traffic.generators = [{ request-response.service-distribution = normal }]", "traffic.generators[0].request-response.service-distribution", "fixed, exponential", "'normal'")]
    [InlineData("topology.host-queue.unit = frames", "topology.host-queue.unit", "packets, bytes", "'frames'")]
    [InlineData("kernel.layout = balance", "kernel.layout", "balanced, round-robin", "did you mean 'balanced'?")]
    [InlineData("topology.switch-queue.ecn.mode = tresholds", "topology.switch-queue.ecn.mode", "off, threshold, red", "did you mean 'threshold'?")]
    public void Word_that_is_not_one_of_the_allowed_words(string line2, string key, string allowed, string fragment)
    {
        AssertError("# a case of a bad word\n" + line2 + "\n", key, 2, allowed, fragment);
    }

    [Fact]
    public void Fabric_and_generator_counts_are_limited_by_the_flow_id_layout()
    {
        AssertError("topology {\n  leaves = 4096\n  hosts-per-leaf = 4096\n}\n", "topology.hosts-per-leaf", 3, "at most 8388608");
        var generators = string.Join(",\n", Enumerable.Repeat("{ }", 127));
        AssertError($"traffic.generators = [\n{generators}\n]\n", "traffic.generators[126]", 128, "at most 126 generators");
    }

    [Fact]
    public void Byte_queue_limit_must_hold_the_largest_frame_a_generator_sends()
    {
        // 1400 B of payload + 8 UDP + 20 IPv4 + 18 Ethernet = 1446 B frames.
        AssertError("duration = 1ms\ntopology.switch-queue.limit = 1000\ntraffic.generators = [ { packet-size = 1400B } ]\n",
            "topology.switch-queue.limit", 2, "1446");
        // Exponential sizes reach the UDP maximum, 65507 + 46 = 65553 B.
        AssertError("topology.host-queue { unit = bytes, limit = 64000 }\ntraffic.generators = [ { size-distribution = exponential } ]\n",
            "topology.host-queue.limit", 1, "65553");
    }

    [Fact]
    public void Ecn_that_could_never_mark_is_refused()
    {
        // K at or above the limit: no packet finds that many waiting
        AssertError("topology.switch-queue {\n  limit = 100KB\n  ecn { mode = threshold, threshold = 100KB }\n}\n",
            "topology.switch-queue.ecn.threshold", 3, "100000 B is at or above the queue's limit (100000 B): no packet would ever be marked");
        AssertError("topology.host-queue {\n  limit = 64\n  ecn.mode = threshold\n}\n",
            "topology.host-queue.ecn.threshold", 3, "65 packets is at or above the queue's limit (64 packets)", "default value");
        AssertError("topology.host-queue {\n  limit = 40\n  ecn.mode = red\n}\n", "topology.host-queue.ecn.red.min", 3, "50 packets is at or above");
        // ...but only for the mode in use: with marking off the same limit loads
        Assert.Equal(64, Parse("topology.host-queue.limit = 64").Datacenter().Topology.HostQueue.Limit.Limit);
    }

    [Fact]
    public void Red_max_must_be_above_min()
    {
        AssertError("topology.host-queue.ecn.red {\n  min = 150\n  max = 100\n}\n", "topology.host-queue.ecn.red.max", 3, "greater than min (150), got 100");
        AssertError("topology.host-queue.ecn.red {\n  min = 150\n}\n", "topology.host-queue.ecn.red.max", 1, "greater than min (150), got 150", "default value");
    }

    [Fact]
    public void Error_in_a_default_value_is_reported_at_the_enclosing_key_the_file_sets()
    {
        // unit = bytes makes the default limit (1000) a byte limit, too small for 1046 B frames.
        AssertError("""
            topology {
              host-queue {
                unit = bytes
              }
            }
            traffic.generators = [ { packet-size = 1000B } ]
            """, "topology.host-queue.limit", 2, "1046", "default value");
    }

    // ---- references: hosts, targets, CDF files ----

    [Fact]
    public void Target_must_be_a_host_for_incast_and_fixed()
    {
        AssertError("traffic.generators = [\n  { destination = incast, target = 32 }\n]\n", "traffic.generators[0].target", 2, "32 hosts, 0-31");
        AssertError("topology.leaves = 2\ntraffic.generators = [ { destination = fixed,\n  target = -1 } ]\n", "traffic.generators[0].target", 3, "16 hosts");
    }

    [Fact]
    public void Target_is_not_checked_for_random_destinations()
    {
        // A random destination never reads the target, so a target outside the fabric loads as written...
        var generator = Assert.Single(Parse("traffic.generators = [ { destination = random, target = 99 } ]").Datacenter().Generators);
        Assert.Equal((DestinationPattern.Random, 99), (generator.Destination, generator.TargetHost));

        // ...while the same target is an error as soon as the destination uses it.
        AssertError("traffic.generators = [ { destination = incast, target = 99 } ]", "traffic.generators[0].target", 1, "99", "32 hosts, 0-31");
    }

    [Fact]
    public void Host_outside_the_topology_is_reported_at_its_list_element()
    {
        AssertError("""
            traffic.generators = [
              {
                hosts = [
                  0,
                  "30-40"
                ]
              }
            ]
            """, "traffic.generators[0].hosts[1]", 5, "'30-40' is out of range", "32 hosts, 0-31");
    }

    [Theory]
    [InlineData("hosts = []", "traffic.generators[0].hosts", "empty")]
    [InlineData("hosts = [\"5-3\"]", "traffic.generators[0].hosts[0]", "a <= b")]
    [InlineData("hosts = [two]", "traffic.generators[0].hosts[0]", "expected a host index")]
    [InlineData("hosts = some", "traffic.generators[0].hosts", "expected a host index")]
    [InlineData("hosts = [[1]]", "traffic.generators[0].hosts[0]", "found a list")]
    [InlineData("hosts = [3], destination = permutation", "traffic.generators[0].hosts", "at least 2 hosts")]
    [InlineData("hosts = [4], destination = fixed, target = 4", "traffic.generators[0].hosts", "nothing would be sent")]
    public void Bad_host_lists(string fields, string key, string fragment)
    {
        AssertError($"# hosts\ntraffic.generators = [ {{ {fields} }} ]\n", key, 2, fragment);
    }

    [Fact]
    public void Missing_cdf_file_is_reported_at_the_key_that_names_it()
    {
        using var dir = new TempDirectory();
        var e = Fails("traffic.generators = [\n  { flow-size-cdf = \"no-such.cdf\" }\n]\n", dir.Path);
        AssertError(e, "traffic.generators[0].flow-size-cdf", 2, "'no-such.cdf' not found", Path.Combine(dir.Path, "no-such.cdf"));
    }

    [Fact]
    public void Malformed_cdf_file_is_reported_with_its_own_file_and_line()
    {
        using var dir = new TempDirectory();
        dir.Write("cdfs/bad.cdf", "100 0\n# comment\n1000 fifty\n10000 100\n");
        var e = Fails("duration = 1ms\ntraffic.generators = [\n  { kind = request-response\n    request-response.response-size-cdf = \"cdfs/bad.cdf\" }\n]\n", dir.Path);
        AssertError(e, "traffic.generators[0].request-response.response-size-cdf", 4, "cdfs/bad.cdf:3:", "'1000 fifty'");
    }

    [Fact]
    public void Cdf_that_does_not_end_at_one_is_reported()
    {
        using var dir = new TempDirectory();
        dir.Write("half.cdf", "100 0\n1000 0.5\n");
        AssertError(Fails("traffic.generators = [ { flow-size-cdf = \"half.cdf\" } ]", dir.Path), "traffic.generators[0].flow-size-cdf", 1, "half.cdf", "last probability");
    }

    // ---- several errors at once ----

    [Fact]
    public void All_errors_are_reported_in_line_order()
    {
        var e = Fails("""
            topology {
              spines = 0
              leafs = 4
            }
            duration = 5
            traffic.generators = [{ kind = bogus, rate = 12 }]
            kernel.partitions = 0
            """);

        Assert.Equal(6, e.Errors.Count);
        AssertError(e, "topology.spines", 2, "at least 1");
        AssertError(e, "topology.leafs", 3, "did you mean 'leaves'?");
        AssertError(e, "duration", 5, "expected a duration");
        AssertError(e, "traffic.generators[0].kind", 6, "bogus");
        AssertError(e, "traffic.generators[0].rate", 6, "expected a rate");
        AssertError(e, "kernel.partitions", 7, "at least 1");
        Assert.Equal([2, 3, 5, 6, 6, 7], e.Errors.Select(x => x.Line));
        Assert.Equal(6, e.Message.Split('\n').Length);
    }

    [Fact]
    public void Message_lists_each_error_as_file_line_key_message()
    {
        var e = Fails("seed = 1\ntopology.spines = x\n");

        Assert.Equal("test.conf:2: topology.spines: expected a whole number, got 'x'", e.Message);
        Assert.Equal(new ScenarioError("test.conf", 2, "topology.spines", "expected a whole number, got 'x'"), Assert.Single(e.Errors));
    }

    // ---- syntax ----

    [Theory]
    [InlineData("topology {\n  spines = 2\n", 3, "missing '}' to close the object opened on line 1")]
    [InlineData("seed = 1\n}\n", 2, "no open '{'")]
    [InlineData("name = \"abc\nseed = 1\n", 1, "unterminated string")]
    [InlineData("traffic.generators = [\n  { kind = cbr }\nkernel.partitions = 2\n", 3, "is a ']' missing?")]
    [InlineData("traffic.generators = [\n  { kind = cbr }\n", 3, "missing ']' to close the list opened on line 1")]
    [InlineData("seed = 1\nduration 5ms\n", 2, "expected '=', ':' or '{' after the key 'duration'")]
    [InlineData("seed = 1\n\nname = @x\n", 3, "unexpected '@'")]
    [InlineData("seed =\n2\n", 1, "missing value")]
    [InlineData("seed = ${?SEED}\n", 1, "optional substitutions")]
    [InlineData("include \"other.conf\"\n", 1, "'include' is not supported")]
    [InlineData("traffic.generators += { kind = cbr }\n", 1, "'+=' is not supported")]
    public void Syntax_error_names_file_and_line(string text, int line, string fragment)
    {
        var e = Fails(text);
        var error = Assert.Single(e.Errors);
        Assert.Equal(FileName, error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains(fragment, error.Message);
        Assert.StartsWith($"{FileName}:{line}: ", e.Message);
    }

    [Fact]
    public void Unresolved_substitution_names_its_line()
    {
        var error = Assert.Single(Fails("seed = 1\n\nduration = ${nope}\n").Errors);
        Assert.Equal((FileName, 3), (error.File, error.Line));
        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public void Substitutions_within_the_file_work()
    {
        var s = Parse("topology { fabric-link { rate = 100Gbps, delay = 2us } }\ntopology.host-link = ${topology.fabric-link}\n");

        Assert.Equal(new LinkSettings(new SimCore.Units.DataRate(100_000_000_000), 2_000_000), s.Datacenter().Topology.HostLink);
    }

    [Fact]
    public void Missing_scenario_file()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("/no/such/dir/scenario.conf", FabricModel.Instance));
        Assert.Equal("/no/such/dir/scenario.conf:0: scenario file not found", e.Message);
    }
}
