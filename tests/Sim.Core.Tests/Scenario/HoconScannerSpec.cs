using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.Scenario;

/// <summary>The position finder: which line sets each key path, and where the first syntax error is.</summary>
public sealed class HoconScannerSpec
{
    [Fact]
    public void Nested_objects_dotted_keys_and_lists_of_objects_have_lines()
    {
        var p = HoconScanner.Scan(""""
            # a comment with { braces } and = signs
            name = "a # not a comment { ["   // trailing comment
            topology {
              host-link { rate = 10Gbps, delay = 1us }
              "fabric-link".rate = 40Gbps
            }
            traffic.generators = [
              { kind = cbr }
              {
                hosts = ["0-3",
                  7]
                on-off {
                  on = 1ms
                }
              }
            ]
            text = """line one
            line two { not an object """
            kernel.partitions = 2
            """");

        Assert.Null(p.SyntaxError);
        Assert.Equal(2, p.LineOf("name"));
        Assert.Equal(3, p.LineOf("topology"));
        Assert.Equal(4, p.LineOf("topology.host-link"));
        Assert.Equal(4, p.LineOf("topology.host-link.delay"));
        Assert.Equal(5, p.LineOf("topology.fabric-link.rate"));
        Assert.Equal(7, p.LineOf("traffic"));
        Assert.Equal(7, p.LineOf("traffic.generators"));
        Assert.Equal(8, p.LineOf("traffic.generators[0]"));
        Assert.Equal(8, p.LineOf("traffic.generators[0].kind"));
        Assert.Equal(9, p.LineOf("traffic.generators[1]"));
        Assert.Equal(10, p.LineOf("traffic.generators[1].hosts"));
        Assert.Equal(10, p.LineOf("traffic.generators[1].hosts[0]"));
        Assert.Equal(11, p.LineOf("traffic.generators[1].hosts[1]"));
        Assert.Equal(13, p.LineOf("traffic.generators[1].on-off.on"));
        Assert.Equal(17, p.LineOf("text"));
        Assert.Equal(19, p.LineOf("kernel.partitions"));
        Assert.Null(p.LineOf("traffic.generators[2]"));
    }

    [Fact]
    public void A_key_set_twice_has_the_line_of_its_last_setting_and_a_replaced_list_forgets_its_elements()
    {
        var p = HoconScanner.Scan("a = 1\nl = [{x = 1}, {x = 2}]\na = 2\nl = [{x = 3}]\n");

        Assert.Equal(3, p.LineOf("a"));
        Assert.Equal(4, p.LineOf("l[0].x"));
        Assert.Null(p.LineOf("l[1]"));
    }

    [Fact]
    public void Enclosing_key_is_found_for_keys_the_text_does_not_set()
    {
        var p = HoconScanner.Scan("traffic {\n  generators = [\n    { on-off { } }\n  ]\n}\n");

        Assert.True(p.TryFindEnclosing("traffic.generators[0].on-off.on", out var found, out var line));
        Assert.Equal(("traffic.generators[0].on-off", 3), (found, line));
        Assert.False(p.TryFindEnclosing("kernel.partitions", out _, out _));
    }

    [Fact]
    public void Braces_around_the_whole_file_are_allowed()
    {
        var p = HoconScanner.Scan("{\n  seed = 1\n}\n");

        Assert.Null(p.SyntaxError);
        Assert.Equal(2, p.LineOf("seed"));
    }

    [Theory]
    [InlineData("a {\n b = 1\n", 3, "missing '}'")]
    [InlineData("a = [1, 2\n", 2, "missing ']'")]
    [InlineData("a = [1, , 2]\n", 1, "an element is missing")]
    [InlineData("a = [1 }\n", 1, "found '}'")]
    [InlineData("a = 1,,\nb = 2\n", 1, "unexpected ','")]
    [InlineData("a = \"x\\q\"\n", 1, "invalid escape")]
    [InlineData("a = \"\"\"never closed\nb = 1\n", 1, "unterminated \"\"\" string opened on line 1")]
    [InlineData("a..b = 1\n", 1, "empty part")]
    [InlineData("a. = 1\n", 1, "must not end with '.'")]
    [InlineData("a = ${b\n", 1, "unterminated substitution")]
    [InlineData("a = 1 {\n", 1, "cannot follow a simple value")]
    [InlineData("{ a = 1 }\nb = 2\n", 2, "after the '}'")]
    public void Syntax_errors_have_lines(string text, int line, string fragment)
    {
        var error = HoconScanner.Scan(text).SyntaxError;

        Assert.NotNull(error);
        Assert.Equal(line, error.Line);
        Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void Paths_of_list_elements_and_parents()
    {
        Assert.Equal("a.b[2]", HoconPositions.ParentOf("a.b[2].c"));
        Assert.Equal("a.b", HoconPositions.ParentOf("a.b[2]"));
        Assert.Equal("", HoconPositions.ParentOf("a"));
    }
}
