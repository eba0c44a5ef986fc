using DcSim.ActorsHost;
using DcSim.Runner.Results;
using DcSim.Runner.Sweep;
using DcSim.SimCore.Scenario;
using DcSim.Testing;
using Xunit;

namespace DcSim.Runner.Tests.Sweep;

public sealed class SweepFolderSpec
{
    private static ScenarioSettings Load(string rate) => ScenarioLoader.Parse($$"""
        name = "folder"
        duration = 1ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [ { kind = cbr, rate = {{rate}} } ]
        """, "folder.conf", ".", FabricModel.Instance);

    [Fact]
    public void IsComplete_must_need_every_result_file_and_the_points_resolved_scenario()
    {
        // arrange
        var point = Scratch.Directory("sweepfolder");
        var settings = Load("10Mbps");
        foreach (var name in ResultFiles.Names) File.WriteAllText(Path.Combine(point, name), "x");

        // act, assert
        Assert.False(SweepFolder.IsComplete(point, settings));
        SweepFolder.WriteAtomically(Path.Combine(point, SweepFolder.Resolved), settings.ResolvedHocon);
        Assert.True(SweepFolder.IsComplete(point, settings));
        Assert.False(SweepFolder.IsComplete(point, Load("20Mbps")));
        File.Delete(Path.Combine(point, "series.csv"));
        Assert.False(SweepFolder.IsComplete(point, settings));
    }

    [Fact]
    public void Problem_must_take_an_earlier_sweeps_folder_only_with_resume_and_never_one_with_other_files()
    {
        // arrange
        var root = Scratch.Directory("sweepfolder");
        var earlier = Path.Combine(root, "earlier");
        Directory.CreateDirectory(Path.Combine(earlier, SweepFolder.Points));
        File.WriteAllText(Path.Combine(earlier, SweepFolder.Csv), "");
        File.WriteAllText(Path.Combine(earlier, "throughput_gbps.png"), "");
        var other = Path.Combine(root, "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, SweepFolder.Csv), "");
        File.WriteAllText(Path.Combine(other, "notes.txt"), "");

        // act, assert
        Assert.Null(SweepFolder.Problem(Path.Combine(root, "new"), resume: false));
        Assert.Null(SweepFolder.Problem(Path.Combine(root, "new"), resume: true));
        Assert.Null(SweepFolder.Problem(earlier, resume: true));
        Assert.Contains("--resume to finish an earlier sweep", SweepFolder.Problem(earlier, resume: false));
        Assert.Contains("holds 'notes.txt', which a sweep does not write", SweepFolder.Problem(other, resume: true));
        Assert.Equal("is a file, not a directory", SweepFolder.Problem(Path.Combine(other, "notes.txt"), resume: true));
    }
}
