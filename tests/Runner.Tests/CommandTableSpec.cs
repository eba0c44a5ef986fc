using DcSim.Runner.Commands;
using Xunit;

namespace DcSim.Runner.Tests;

/// <summary>Only the invoked command is built at start; help and a mistyped command still see them all.</summary>
public sealed class CommandTableSpec
{
    [Fact]
    public void Each_command_must_be_listed_under_its_own_name_once()
    {
        var names = CommandTable.All.Select(c => c.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var (name, create) in CommandTable.All) Assert.Equal(name, create().Name);
    }

    [Fact]
    public void A_named_command_must_be_built_alone_and_anything_else_must_get_every_command()
    {
        var every = CommandTable.All.Count();

        Assert.Equal(["run"], CommandTable.For(["run", "scenario.conf", "--verbose"]).Select(c => c.Name));
        Assert.Equal(["results"], CommandTable.For(["results", "id"]).Select(c => c.Name));
        Assert.Equal(every, CommandTable.For([]).Count());
        Assert.Equal(every, CommandTable.For(["--help"]).Count());
        Assert.Equal(every, CommandTable.For(["rnu", "scenario.conf"]).Count());
        Assert.Equal(25, every);
    }
}
