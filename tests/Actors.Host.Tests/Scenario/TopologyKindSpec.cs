using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>topology.kind = fat-tree and explicit as scenarios write them: what they read to, and every bad explicit input with its line.</summary>
public sealed class TopologyKindSpec
{
    /// <summary>Two switches, four servers; line 5 is the first link.</summary>
    private static string Explicit(string links, string servers = "4", string switches = "[a, b]") => $$"""
        topology {
          kind = explicit
          switches = {{switches}}
          servers = {{servers}}
          links = [
        {{links}}
          ]
        }
        """;

    private const string GoodLinks = """
            { a = a, b = b, rate = 40Gbps, delay = 1us }
            { a = host0, b = a, rate = 10Gbps, delay = 1us }
            { a = host1, b = a, rate = 10Gbps, delay = 1us }
            { a = b, b = host2, rate = 10Gbps, delay = 1us }
            { a = b, b = host3, rate = 25Gbps, delay = 2us, queue { limit = 8, unit = packets } }
        """;

    [Fact]
    public void Fat_tree_must_read_k_and_count_k_cubed_over_4_hosts()
    {
        // act
        var t = Parse("topology { kind = fat-tree, k = 6 }\n").Datacenter().Topology;

        // assert
        Assert.Equal((TopologyKind.FatTree, 6, 54), (t.Kind, t.K, t.HostCount));
        Assert.Equal("54 hosts, k = 6 fat-tree (45 switches)", t.Describe());
    }

    [Theory]
    [InlineData("topology {\n  kind = fat-tree\n  k = 5\n}\n", "topology.k", 3, "must be even")]
    [InlineData("topology {\n  kind = fat-tree\n  k = 0\n}\n", "topology.k", 3, "at least 2")]
    [InlineData("topology {\n  kind = fat-tree\n  k = 4194304\n}\n", "topology.k", 3, "18446744073709551616 hosts")]
    [InlineData("topology {\n  kind = fat-tree\n  spines = 4\n}\n", "topology.spines", 3, "is not a key of kind = fat-tree", "kind = leaf-spine")]
    [InlineData("topology {\n  k = 8\n}\n", "topology.k", 2, "is not a key of kind = leaf-spine", "kind = fat-tree")]
    [InlineData("topology {\n  kind = ring\n}\n", "topology.kind", 2, "ring")]
    public void Fat_tree_and_kind_errors_must_name_the_key_and_line(string text, string key, int line, params string[] fragments) =>
        AssertError(text, key, line, fragments);

    [Fact]
    public void Explicit_topology_must_read_its_switches_servers_and_links()
    {
        // act
        var t = Parse(Explicit(GoodLinks)).Datacenter().Topology;
        var graph = FabricGraph.Of(t);

        // assert: servers keep their host names and attach where the links say; the last link has its own queue
        Assert.Equal((TopologyKind.Explicit, 4, 2, 5), (t.Kind, t.HostCount, graph.SwitchCount, graph.LinkCount));
        Assert.Equal([0, 0, 1, 1], Enumerable.Range(0, 4).Select(graph.SwitchOf));
        Assert.Equal([1, 2, 1, 2], Enumerable.Range(0, 4).Select(graph.PortOf));
        Assert.Equal(8, t.Explicit!.Links[4].Queue!.Value.Limit.Limit);
        Assert.Null(t.Explicit.Links[0].Queue);
        Assert.Equal("4 hosts, explicit: 2 switches, 5 links", t.Describe());
    }

    [Fact]
    public void Explicit_topology_must_write_back_what_it_read()
    {
        // arrange
        var s = Parse(Explicit(GoodLinks));

        // act: the resolved scenario read again
        var again = Parse(s.ResolvedHocon);

        // assert
        Assert.Equal(s.Datacenter().Topology, again.Datacenter().Topology);
        Assert.Contains("kind = explicit", s.ResolvedHocon);
    }

    [Theory]
    [InlineData("    { a = a, b = c, rate = 40Gbps, delay = 1us }", "topology.links[0].b", 6, "unknown switch 'c'")]
    [InlineData("    { a = a, b = host9, rate = 40Gbps, delay = 1us }", "topology.links[0].b", 6, "no server 'host9'", "host0 .. host3")]
    [InlineData("    { a = a, b = a, rate = 40Gbps, delay = 1us }", "topology.links[0].b", 6, "a link from 'a' to itself")]
    [InlineData("    { a = a, b = b, rate = 0Gbps, delay = 1us }", "topology.links[0].rate", 6, "must be positive")]
    [InlineData("    { a = a, b = b, rate = -1Gbps, delay = 1us }", "topology.links[0].rate", 6, "greater than 0")]
    [InlineData("    { a = a, b = b, delay = 1us }", "topology.links[0].rate", 6, "missing")]
    [InlineData("    { a = a, b = b, rate = 40Gbps, delay = 1us, latency = 2us }", "topology.links[0].latency", 6, "unknown key 'latency'")]
    [InlineData("    { a = a, b = b, rate = 40Gbps, delay = 1us, queue { limt = 3 } }", "topology.links[0].queue.limt", 6, "unknown key 'limt'")]
    [InlineData("    { a = host0, b = host1, rate = 40Gbps, delay = 1us }", "topology.links[0].b", 6, "links two servers")]
    public void A_bad_link_must_be_reported_at_its_line(string link, string key, int line, params string[] fragments) =>
        AssertError(Explicit(link + "\n" + GoodLinks), key, line, fragments);

    [Fact]
    public void A_duplicate_link_must_name_the_first()
    {
        AssertError(Explicit(GoodLinks + "\n    { a = b, b = a, rate = 40Gbps, delay = 1us }"), "topology.links[5].b", 11,
            "a second link between 'b' and 'a'", "links[0] is the first");
    }

    [Fact]
    public void A_server_with_two_links_must_be_reported_at_the_second()
    {
        AssertError(Explicit(GoodLinks + "\n    { a = host0, b = b, rate = 10Gbps, delay = 1us }"), "topology.links[5].a", 11,
            "'host0' already has a link (links[1])", "exactly one link");
    }

    [Fact]
    public void A_server_without_a_link_must_be_named()
    {
        AssertError(Explicit(GoodLinks, servers: "5"), "topology.links", 5, "host4 has no link");
    }

    [Fact]
    public void A_disconnected_graph_must_name_an_unreachable_server()
    {
        // arrange: no link between a and b
        var links = string.Join('\n', GoodLinks.Split('\n').Skip(1));

        AssertError(Explicit(links), "topology.links", 5, "host2 cannot reach host0", "on switch 'b'");
    }

    [Theory]
    [InlineData("[a, b, a]", "topology.switches[2]", 3, "duplicate switch name 'a' (also switches[0])")]
    [InlineData("[a, b, host7]", "topology.switches[2]", 3, "'host7' is a server's name")]
    [InlineData("[a, b, \"x y\"]", "topology.switches[2]", 3, "expected a switch name")]
    [InlineData("[]", "topology.switches", 3, "at least one switch")]
    public void Bad_switch_names_must_be_reported(string switches, string key, int line, params string[] fragments) =>
        AssertError(Explicit(GoodLinks, switches: switches), key, line, fragments);

    [Fact]
    public void A_switch_without_a_link_must_be_named()
    {
        AssertError(Explicit(GoodLinks, switches: "[a, b, c]"), "topology.links", 5, "switch 'c' has no link");
    }

    [Fact]
    public void Leaf_spine_keys_must_be_refused_on_an_explicit_topology()
    {
        AssertError("topology {\n  kind = explicit\n  host-link.rate = 1Gbps\n}\n", "topology.host-link", 3, "is not a key of kind = explicit");
    }
}
