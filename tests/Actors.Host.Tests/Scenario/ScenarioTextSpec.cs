using DcSim.ActorsHost.Settings;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>
/// Texts that fuzzing found to crash the loader, to be rejected without a line or a key, or to be read
/// wrongly (issue 8, defects 2, 9, 10, 11): each must give located errors or the value HOCON means.
/// </summary>
public sealed class ScenarioTextSpec
{
    [Theory]
    [InlineData("name = ${name}\n", 1, "name", "'name' refers to itself")]
    [InlineData("a = ${b}\nb = ${a}\nname = ${a}\n", 1, "a", "'a' -> 'b' -> 'a'")]
    [InlineData("topology { spines = ${topology} }\n", 1, "topology.spines", "'topology.spines' refers to itself")]
    [InlineData("x { y = ${z.w} }\nz = ${x}\n", 1, "x.y", "'x.y' -> 'z' -> 'x.y'")]
    public void Loader_must_report_a_substitution_cycle_at_its_key_when_a_value_depends_on_itself(string text, int line, string key, string fragment)
    {
        // act: Akka's parser recursed until "Stack overflow." killed the process
        var error = AssertError(text, key, line, "substitution cycle", fragment);

        // assert
        Assert.StartsWith("syntax error", error.Message);
    }

    [Fact]
    public void Loader_must_resolve_substitutions_that_form_no_cycle()
    {
        var s = Parse("topology { spines = 3, leaves = ${topology.spines} }\nname = ${kernel.partitions}\nkernel.partitions = ${topology.leaves}\n");

        Assert.Equal((3, 3, "3", 3), (s.Datacenter().Topology.Spines, s.Datacenter().Topology.Leaves, s.Name, s.Kernel.Partitions));
    }

    [Fact]
    public void Loader_must_name_the_key_and_line_of_a_substitution_the_file_does_not_set()
    {
        AssertError("seed = 1\nname = ${nope}\n", "name", 2, "${nope}", "does not set");
    }

    [Theory]
    [InlineData("name = \"x\"\n\0seed = 1\ntopology { spines = 2 \n", 2, "(top level)", "NUL byte")]
    [InlineData("topology {\n  spines = 2\u0001\n}\n", 2, "topology.spines", "U+0001")]
    [InlineData("name = \"a\u0000b\"\n", 1, "name", "NUL byte")]
    [InlineData("\"\" = 1\n", 1, "(top level)", "empty string")]
    [InlineData("topology { \"\".spines = 1 }\n", 1, "topology", "empty string")]
    [InlineData("name = x\n}\n", 2, "(top level)", "no open '{'")]
    [InlineData("seed = 1\nname = ${{ kind = cbr }\n", 2, "name", "is not a substitution")]
    public void Loader_must_give_every_syntax_error_a_line_and_a_key(string text, int line, string key, string fragment)
    {
        AssertError(text, key, line, fragment);
    }

    [Fact]
    public void Loader_must_reject_a_UTF16_file_without_a_byte_order_mark_on_line_1()
    {
        // arrange: UTF-16 LE bytes read as UTF-8 put a NUL after every ASCII character
        var text = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.Unicode.GetBytes("name = x\nseed = 2\n"));

        // act, assert
        AssertError(text, "n", 1, "NUL byte", "UTF-16");
    }

    [Fact]
    public void Loader_must_read_a_comma_after_an_object_written_without_equals()
    {
        // Akka's parser alone says "Unknown token" here; "host-link = { ... }," it reads.
        var s = Parse("topology { host-link { delay = 3us }, spines = 2 }\nkernel { progress-interval = 2ms }, seed = 5\n");

        Assert.Equal(3 * SimCore.Units.SimTime.Microsecond, s.Datacenter().Topology.HostLink.DelayPs);
        Assert.Equal(2, s.Datacenter().Topology.Spines);
        Assert.Equal(5UL, s.Seed);
    }

    [Fact]
    public void Loader_must_reject_an_object_that_a_list_replaces()
    {
        // HOCON replaces the object with the list; Akka kept the object and dropped the list silently.
        AssertError("topology { spines = 7 }\ntopology = [1]\n", "topology", 2, "object (set on line 1)", "list");
    }

    [Fact]
    public void Loader_must_still_let_a_later_value_replace_an_earlier_one()
    {
        var s = Parse("topology { spines = 7 }\ntopology.spines = 3\nname = [a]\nname = b\n");

        Assert.Equal((3, "b"), (s.Datacenter().Topology.Spines, s.Name));
    }

    [Theory]
    [InlineData("NaN 50\n100 100\n")]
    [InlineData("10 50\nInfinity 100\n")]
    [InlineData("10 NaN\n100 100\n")]
    [InlineData("10 50\n1e300 100\n")]
    public void Loader_must_reject_a_CDF_whose_numbers_are_not_finite_sizes(string cdf)
    {
        // arrange
        using var dir = new TempDirectory();
        dir.Write("sizes.txt", cdf);

        // act, assert: "NaN 50" validated and drew 1-byte flows
        var failure = Fails("traffic.generators = [\n  { kind = cbr, flow-size-cdf = \"sizes.txt\" }\n]\n", dir.Path);
        AssertError(failure, "traffic.generators[0].flow-size-cdf", 2, "must be finite");
    }

    [Fact]
    public void Loader_must_report_a_number_too_large_for_its_unit_instead_of_overflowing()
    {
        // The fuzz suite found this: decimal overflow inside the quantity parser.
        AssertError("traffic.generators = [\n  { kind = cbr, rate = 99999999999999999999999Mbps }\n]\n", "traffic.generators[0].rate", 2, "too large");
    }
}
