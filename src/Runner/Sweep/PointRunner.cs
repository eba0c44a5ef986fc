using DcSim.SimCore.Metrics;

namespace DcSim.Runner.Sweep;

/// <summary>The points of a sweep still to run (in grid order), the grid's size, and the sweep's folder, where each point's results go.</summary>
internal sealed record SweepRun(IReadOnlyList<PlannedPoint> Points, int GridSize, string Output)
{
    /// <summary>"point 3/12 topology.host-link.rate=25Gbps": how every line about a point names it.</summary>
    public string Name(SweepPoint point) => $"point {point.Number}/{GridSize} {point.Label}";

    public string Folder(SweepPoint point) => Path.Combine(Output, SweepFolder.Points, point.FolderName(GridSize));

    /// <summary>Writes the point's folder at once: a point is on disk the moment its results are here.</summary>
    public void Write(PlannedPoint point, ResultsBuilder results) => SweepFolder.WritePoint(Folder(point.Point), point.Settings, results);
}

internal enum SweepRunEnd
{
    /// <summary>Every point's folder is written.</summary>
    Completed,
    /// <summary>Some points failed (said on stderr as they failed); the others' folders are written.</summary>
    Failed,
    /// <summary>Ctrl-C: points finished until then are written.</summary>
    Interrupted,
}

/// <summary>How a <see cref="IPointRunner"/> ended, and how many point folders it wrote.</summary>
internal sealed record SweepRunOutcome(SweepRunEnd End, int Written);

/// <summary>
/// Runs a sweep's points and writes each one's folder as soon as it is done: in this process one after another
/// (<see cref="LocalPointRunner"/>), or spread over the members of a cluster (<see cref="ClusterPointRunner"/>).
/// </summary>
internal interface IPointRunner
{
    Task<SweepRunOutcome> RunAsync(SweepRun run, CancellationToken cancel);
}
