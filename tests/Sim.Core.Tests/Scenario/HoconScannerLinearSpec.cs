using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.Scenario;

/// <summary>The scanner's bookkeeping that keeps it linear and its answers for errors Akka reports by position.</summary>
public sealed class HoconScannerLinearSpec
{
    [Fact]
    public void Replacing_a_value_must_forget_every_position_below_it_and_nothing_else()
    {
        var p = HoconScanner.Scan("a { b { c = 1, d = [1, {e = 2}] } }\nab { x = 1 }\na = 5\na.f = 6\n");

        Assert.Null(p.SyntaxError);
        Assert.Equal(3, p.LineOf("a"));
        Assert.Equal(4, p.LineOf("a.f"));
        Assert.Equal(2, p.LineOf("ab.x"));
        Assert.All(["a.b", "a.b.c", "a.b.d", "a.b.d[1]", "a.b.d[1].e"], k => Assert.Null(p.LineOf(k)));
    }

    [Fact]
    public void The_text_for_Akka_must_keep_length_and_lines_and_blank_only_the_comma_after_a_braced_object()
    {
        const string text = "t { h { d = 1 }, s = 2, l = [1, 2] }\nu = { v = 1 }, w = 3\n";

        var p = HoconScanner.Scan(text);

        Assert.Equal("t { h { d = 1 }  s = 2, l = [1, 2] }\nu = { v = 1 }, w = 3\n", p.Text);
    }

    [Fact]
    public void Substitutions_must_be_recorded_with_their_key_and_line()
    {
        var p = HoconScanner.Scan("a = 1\nb { c = ${a} }\nd = [${b.c}]\n");

        Assert.Equal([new HoconSubstitution("b.c", "a", 2), new HoconSubstitution("d[0]", "b.c", 3)], p.Substitutions);
    }

    [Fact]
    public void The_key_at_or_before_a_line_must_be_the_deepest_key_of_the_last_line_that_sets_one()
    {
        var p = HoconScanner.Scan("a = 1\n\nb { c = 2 }\n# comment\n");

        Assert.Equal("", p.KeyAtOrBefore(0));
        Assert.Equal("a", p.KeyAtOrBefore(2));
        Assert.Equal("b.c", p.KeyAtOrBefore(4));
    }
}
