using DcSim.Runner.Shell;
using Xunit;

namespace DcSim.Runner.Tests.Shell;

public sealed class ShellVerbsSpec
{
    [Theory]
    [InlineData("ping host0 host3/kvm-0", "ping host0 host3/kvm-0")]
    [InlineData("  ping   host0  host1 count 3 interval 10us ", "ping host0 host1 count 3 interval 10us")]
    [InlineData("iperf host0 host2 50ms", "iperf host0 host2 50ms")]
    [InlineData("run until 1500000ps", "run until 1500000ps")]
    [InlineData("ovs-appctl dpctl/dump-flows host1", "ovs-appctl dpctl/dump-flows host1")]
    [InlineData("quit", "exit")]
    public void A_line_must_parse_into_its_verb_and_words(string text, string parsed) =>
        Assert.Equal(parsed, ShellVerbs.Parse(text)!.ToString());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# a comment")]
    public void Blank_lines_and_comments_must_be_nothing(string text) => Assert.Null(ShellVerbs.Parse(text));

    [Theory]
    [InlineData("traceroute host0 host1", "unknown command 'traceroute': type help for the list")]
    [InlineData("ping host0", "usage: ping SRC DST [count N] [interval DURATION]")]
    [InlineData("ping host0 host1 count", "usage: ping SRC DST [count N] [interval DURATION]")]
    [InlineData("ping host0 host1 count 0", "ping: 'count 0': expected count N (N > 0) or interval DURATION")]
    [InlineData("ping host0 host1 ttl 3", "ping: 'ttl 3': expected count N (N > 0) or interval DURATION")]
    [InlineData("ping host0 host1 interval 0us", "interval: expected a duration greater than 0, got '0us'")]
    [InlineData("iperf host0 host1 fast", "iperf duration: expected a duration such as 10us, 1.5ms or 2s, got 'fast'")]
    [InlineData("run", "usage: run DURATION | run until TIME")]
    [InlineData("run to 1ms", "usage: run DURATION | run until TIME")]
    [InlineData("ovs-ofctl show host0", "usage: ovs-ofctl dump-flows SERVER")]
    [InlineData("help nothing", "help: no command 'nothing'")]
    [InlineData("dump", "usage: dump ENTITY")]
    public void A_bad_line_must_say_what_is_wrong(string text, string error) =>
        Assert.Equal(error, Assert.Throws<ShellException>(() => ShellVerbs.Parse(text)).Message);

    [Fact]
    public void Help_must_list_every_verb_and_explain_one()
    {
        // act
        var all = ShellVerbs.Help(null);
        var ping = ShellVerbs.Help("ping");

        // assert
        Assert.All(ShellVerbs.All, v => Assert.Contains(v.Usage, all));
        Assert.Equal(ShellVerbs.All.Count + 1, all.Split('\n').Length);
        Assert.Equal("ping SRC DST [count N] [interval DURATION]\n  ping DST from SRC (servers or VMs and containers) and print the RTTs", ping);
    }

    [Fact]
    public void Completion_must_offer_verbs_first_then_names_and_a_verb_s_own_words()
    {
        // arrange
        var completion = new ShellInput.Completion(() => ["leaf0", "host0", "host1", "host3/kvm-0"]);

        // act / assert
        Assert.Equal(["ping", "pingall", "pause"], completion.GetCompletions("", "p", "")!);
        Assert.Equal(["host0", "host1", "host3/kvm-0"], completion.GetCompletions("ping ", "host", "")!);
        Assert.Equal(["host3/kvm-0"], completion.GetCompletions("ping host0 ", "host3", "")!);
        Assert.Equal(["dpctl/dump-flows"], completion.GetCompletions("ovs-appctl ", "", "")!);
        Assert.Equal(["until"], completion.GetCompletions("run ", "u", "")!);
        Assert.Equal(["iperf"], completion.GetCompletions("help ", "ip", "")!);
    }
}
