using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim run` end to end: same seed -> byte-identical files, on 1 and on 3 real processes.</summary>
public sealed class RunDeterminismSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly string[] Files = ["summary.json", "flows.csv", "links.csv", "servers.csv", "endpoints.csv", "cores.csv", "rr.csv"];

    private static string RunScenario(string scenario, params string[] extra)
    {
        var output = Scratch.Directory("run");
        var result = Dcsim.Run(Timeout, ["run", scenario, "--out", output, .. extra]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        foreach (var f in Files) Assert.True(File.Exists(Path.Combine(output, f)), $"{f} missing");
        return output;
    }

    private static void AssertSameFiles(string a, string b)
    {
        foreach (var f in Files)
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs between {a} and {b}");
    }

    [Fact]
    public void Run_must_write_identical_results_twice_and_on_one_and_three_nodes()
    {
        // arrange
        var scenario = Dcsim.RepositoryFile("config/scenarios/determinism.conf");

        // act
        var first = RunScenario(scenario);
        var second = RunScenario(scenario);
        var cluster = RunScenario(scenario, "--nodes", "3");

        // assert
        AssertSameFiles(first, second);
        AssertSameFiles(first, cluster);
        var summary = File.ReadAllText(Path.Combine(first, "summary.json"));
        Assert.Contains("\"conservation_holds\": true", summary);
    }

    [Fact]
    public void A_run_with_vSwitches_and_rule_changes_must_be_identical_on_one_and_two_nodes()
    {
        var scenario = Dcsim.RepositoryFile("config/scenarios/vswitch-kernel.conf");
        var single = RunScenario(scenario);
        var cluster = RunScenario(scenario, "--nodes", "2");
        AssertSameFiles(single, cluster);
        var summary = File.ReadAllText(Path.Combine(single, "summary.json"));
        Assert.Contains("\"conservation_holds\": true", summary);
        Assert.Contains("host0:vswitch", summary);
        Assert.Contains("\"upcalls_handled\"", summary);
    }

    [Theory]
    [InlineData("sriov", "")]
    [InlineData("ovs-dpdk", "servers.nic = plain\ntopology.vswitch.datapath = netdev\nvms = [ { name = gen, count = 2, hosts = [0, 1], vcpus = 1, "
        + "memory = 1GiB, vnic = vf }, { name = vm, count = 2, hosts = [2, 3], vcpus = 2, memory = 2GiB, vnic = vhost-user } ]\n")]
    public void The_ovs_versus_sriov_experiment_must_be_identical_on_one_and_two_nodes(string path, string overrides)
    {
        // arrange: the flagship as written (SR-IOV), or with the servers under test on OVS-DPDK
        var file = Path.Combine(Scratch.Directory($"flagship-{path}"), "ovs-vs-sriov.conf");
        File.WriteAllText(file, File.ReadAllText(Dcsim.RepositoryFile("config/scenarios/ovs-vs-sriov.conf")) + "\n" + overrides);

        // act
        var single = RunScenario(file);
        var cluster = RunScenario(file, "--nodes", "2");

        // assert
        AssertSameFiles(single, cluster);
        Assert.Contains("\"conservation_holds\": true", File.ReadAllText(Path.Combine(single, "summary.json")));
    }

    [Fact]
    public void A_different_seed_must_give_different_results()
    {
        var scenario = Dcsim.RepositoryFile("config/scenarios/determinism.conf");
        var a = RunScenario(scenario, "--seed", "11");
        var b = RunScenario(scenario, "--seed", "12");
        Assert.NotEqual(File.ReadAllText(Path.Combine(a, "flows.csv")), File.ReadAllText(Path.Combine(b, "flows.csv")));
        Assert.Contains("\"seed\": 11", File.ReadAllText(Path.Combine(a, "summary.json")));
    }
}
