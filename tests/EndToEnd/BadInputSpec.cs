using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>Bad scenarios: exit code 2, a message naming file, line and key, and no result files.</summary>
public sealed class BadInputSpec
{
    private const string Valid = """
        name = "bad-input"
        duration = 1ms
        topology {
          spines = 1
          leaves = 2
          hosts-per-leaf = 2
        }
        traffic.generators = [
          { kind = cbr, rate = 10Mbps }
        ]
        """;

    /// <summary>Lines 2-3 of a scenario with a vf-bond VM (web-0) and a vhost-net VM (db-0) on an 82599 server.</summary>
    private const string BondedVm = "servers { hypervisor = kvm, nic = 82599 }\nvms = [ { name = web, vnic = vf-bond }, { name = db } ]\n";

    private static (Dcsim.Result Result, string Output, string File) Run(string command, string scenarioText)
    {
        var dir = Scratch.Directory("bad");
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, scenarioText);
        var output = Path.Combine(dir, "out");
        var args = command == "run" ? new[] { "run", file, "--out", output } : new[] { command, file };
        return (Dcsim.Run(TimeSpan.FromMinutes(1), args), output, file);
    }

    [Theory]
    [InlineData("run", "  spines = 1", "  spynes = 1", 4, "topology.spynes")]
    [InlineData("validate", "  spines = 1", "  spines = \"four\"", 4, "topology.spines")]
    [InlineData("run", "  leaves = 2", "  leaves = 0", 5, "topology.leaves")]
    [InlineData("run", "{ kind = cbr, rate = 10Mbps }", "{ kind = cbr, rate = 10Mbps, destination = fixed, target = 99 }", 9, "traffic.generators[0].target")]
    [InlineData("validate", "{ kind = cbr, rate = 10Mbps }", "{ kind = cbr, rate = 10 }", 9, "traffic.generators[0].rate")]
    [InlineData("run", "{ kind = cbr, rate = 10Mbps }", "{ kind = cbr, rate = 10Mbps, stop = 5ms }", 9, "traffic.generators[0].stop")]
    [InlineData("run", "{ kind = cbr, rate = 10Mbps }", "{ kind = warp, rate = 10Mbps }", 9, "traffic.generators[0].kind")]
    [InlineData("run", "name = \"bad-input\"", "name = \"bad-input\"\nvms = [ { name = web, vcpus = 0 } ]", 2, "vms[0].vcpus")]
    [InlineData("validate", "{ kind = cbr, rate = 10Mbps }", "{ kind = cbr, rate = 10Mbps, endpoints = [web] }", 9, "traffic.generators[0].endpoints[0]")]
    [InlineData("run", "  hosts-per-leaf = 2", "  hosts-per-leaf = 2\n  switch-queue { limit = 50, unit = packets, ecn { mode = threshold, threshold = 65 } }", 7, "topology.switch-queue.ecn.threshold")]
    [InlineData("validate", "  hosts-per-leaf = 2", "  hosts-per-leaf = 2\n  host-queue.ecn.mode = dctcp", 7, "topology.host-queue.ecn.mode")]
    [InlineData("run", "name = \"bad-input\"", "name = \"bad-input\"\ntcp.congestion-control = bbr", 2, "tcp.congestion-control")]
    [InlineData("validate", "name = \"bad-input\"", "name = \"bad-input\"\ntcp { min-rto = 2s, max-rto = 1s, initial-rto = 1s }", 2, "tcp.min-rto")]
    [InlineData("run", "name = \"bad-input\"", "name = \"bad-input\"\ntcp.receive-buffer = 1KB", 2, "tcp.receive-buffer")]
    [InlineData("run", "{ kind = cbr, rate = 10Mbps }", "{ kind = tcp-flows, rate = 1Gbps }", 9, "traffic.generators[0].flow-size-cdf")]
    [InlineData("validate", "{ kind = cbr, rate = 10Mbps }", "{ kind = incast, destination = fixed, target = 1 }", 9, "traffic.generators[0].destination")]
    [InlineData("validate", "name = \"bad-input\"", "name = \"bad-input\"\n" + BondedVm + "vf-hotplug = [ { at = 0.5ms, vm = web-9, action = detach } ]", 4, "vf-hotplug[0].vm")]
    [InlineData("validate", "name = \"bad-input\"", "name = \"bad-input\"\n" + BondedVm + "vf-hotplug = [ { at = 0.5ms, vm = web-0, action = attach } ]", 4, "vf-hotplug[0].action")]
    [InlineData("run", "name = \"bad-input\"", "name = \"bad-input\"\n" + BondedVm + "vf-hotplug = [ { at = 1ms, vm = web-0, action = detach } ]", 4, "vf-hotplug[0].at")]
    [InlineData("validate", "name = \"bad-input\"", "name = \"bad-input\"\n" + BondedVm + "vf-hotplug = [ { at = 0.5ms, vm = db-0, action = detach } ]", 4, "vf-hotplug[0].vm")]
    public void Bad_scenario_must_exit_2_naming_file_line_and_key_and_write_nothing(string command, string find, string replace, int line, string key)
    {
        // arrange
        var text = Valid.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Valid, text);

        // act
        var (result, output, file) = Run(command, text);

        // assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:{line}:", result.Stderr);
        Assert.Contains(key, result.Stderr);
        Assert.False(Directory.Exists(output), "no output directory may be created for a bad scenario");
    }

    [Fact]
    public void Unknown_congestion_control_must_name_the_allowed_words_in_one_error_line()
    {
        var (result, output, file) = Run("run", Valid.Replace("name = \"bad-input\"", "name = \"bad-input\"\ntcp.congestion-control = bbr", StringComparison.Ordinal));

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}:2: tcp.congestion-control: ", line);
        Assert.Contains("bbr", line);
        Assert.Contains("newreno, cubic, dctcp", line);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Malformed_HOCON_must_exit_2_naming_the_file()
    {
        var (result, output, file) = Run("run", Valid.Replace("leaves = 2", "leaves = {{", StringComparison.Ordinal));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(file, result.Stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Valid_scenario_must_validate_with_exit_0()
    {
        var (result, _, _) = Run("validate", Valid);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("ok", result.Stdout);
    }
}
