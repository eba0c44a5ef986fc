using DcSim.ActorsHost.Settings;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>Pack and spread over several templates, and generator names resolved by template (32 servers of 4 cores): what EntityPlanner's cursors and EntityPlan's template index must keep.</summary>
public sealed class PlacementAcrossTemplatesSpec
{
    private const string Servers = """
        servers.hypervisor = kvm
        topology.host-cpu.cores = 4
        """;

    private const string Vms = """
        vms = [
          { name = a, count = 5, placement = pack, vcpus = 3 }
          { name = b, count = 4, placement = pack, vcpus = 1, hosts = ["2-7"] }
        ]
        """;

    private static string Scenario(string rest = "") => string.Join("\n", Servers, Vms, rest);

    [Fact]
    public void Pack_must_fill_each_server_before_the_next_when_earlier_templates_left_room()
    {
        // act: a's 3 vCPUs fit once per 4-core server; b's 1 vCPU fills what a left, from server 2 on
        var plan = Parse(Scenario()).Datacenter().Plan;

        // assert
        Assert.Equal([0, 1, 2, 3, 4, 2, 3, 4, 5], plan.Entities.Select(e => e.Server));
    }

    [Fact]
    public void Spread_must_deal_containers_to_the_least_loaded_kernel_first_listed_on_a_tie()
    {
        // act: "a-1" is listed again after the template a: it is one kernel, first listed second
        var plan = Parse(Scenario("""
            containers = [
              { name = c, count = 7, vms = [a, "a-1"], network = bridge, placement = spread }
              { name = h, count = 4, hosts = [5, 1, 3], network = host, placement = spread }
            ]
            """)).Datacenter().Plan;

        // assert
        var containers = plan.Entities.Skip(9).ToList();
        Assert.Equal([0, 1, 2, 3, 4, 0, 1], containers.Take(7).Select(c => c.ParentVm));
        Assert.Equal([0, 1, 2, 3, 4, 0, 1], containers.Take(7).Select(c => c.Server));
        Assert.Equal([5, 1, 3, 5], containers.Skip(7).Select(c => c.Server));
    }

    [Fact]
    public void Generator_names_must_resolve_to_one_VM_or_a_whole_template()
    {
        // act: endpoints 32-36 are a-0..a-4, 37-40 b-0..b-3
        var generator = Assert.Single(Parse(Scenario("""
            traffic.generators = [ { endpoints = ["b-2", a], destination = fixed, target = "b-3" } ]
            """)).Datacenter().Generators);

        // assert
        Assert.Equal([32, 33, 34, 35, 36, 39], generator.Hosts);
        Assert.Equal(40, generator.TargetHost);
    }

    [Fact]
    public void Generator_name_with_an_ordinal_past_the_template_count_must_be_an_error()
    {
        AssertError(Scenario("""
            traffic.generators = [ { endpoints = ["a-5"] } ]
            """), "traffic.generators[0].endpoints[0]", 7, "no VM or container (or template) is named 'a-5'");
    }
}
