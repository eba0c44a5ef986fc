using System.Diagnostics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Service;

/// <summary>An experiment as the service shows it (wall time is never part of a result).</summary>
/// <remarks><paramref name="HeldPs"/>: the simulated time the run holds at (every event before it handled), null unless it holds.</remarks>
internal sealed record ExperimentView(string Id, string Name, ExperimentState State, int Order, ulong Seed, long SimulatedTimePs, long EndTimePs,
    long Windows, long Events, double WallSeconds, int Partitions, IReadOnlyList<string> Members, string? Error, long? HeldPs = null,
    double? BusySeconds = null, double? SimulatingSeconds = null)
{
    public double Progress => EndTimePs <= 0 ? 0 : Math.Round((double)SimulatedTimePs / EndTimePs, 6);
}

internal enum ExperimentState { Queued, Running, Paused, Completed, Failed, Stopped }

internal static class ExperimentStates
{
    public static string Name(this ExperimentState s) => s.ToString().ToLowerInvariant();
}

/// <summary>One experiment's mutable state, owned by the <see cref="ExperimentRegistry"/>.</summary>
internal sealed class ExperimentRecord(string id, int order, string name, ScenarioSettings scenario, string baseDirectory, int? partitions,
    bool heldAtStart = false)
{
    private readonly Stopwatch _wall = new();
    private RunProgress? _progress;
    private string[] _members = [];
    private string? _error;
    /// <summary>The merged results while they are being written; then dropped (queries read them from disk).</summary>
    private byte[]? _results;
    private (long Windows, long Events, double Busy, double Simulating)? _completion;
    private RunHeld? _held;
    private long _cuts;

    /// <summary>Stands for where the experiment's counters are now (<see cref="ExperimentRegistry"/>'s answer to <see cref="LocateExperiment"/>).</summary>
    public LocationToken Location { get; private set; } = new();

    public string Id { get; } = id;
    public string Name { get; } = name;
    public ScenarioSettings Scenario { get; } = scenario;
    public string BaseDirectory { get; } = baseDirectory;
    public int? Partitions { get; } = partitions;
    /// <summary>Submitted to hold at simulated time 0 once started.</summary>
    public bool HeldAtStart { get; } = heldAtStart;
    /// <summary>Where the run holds, null while it runs (or it has not held yet).</summary>
    public long? HeldAt => _held?.SimulatedTime;
    /// <summary>While held: a number new for each hold and each action applied there (see <see cref="LiveExperiment"/>); null while running.</summary>
    public long? Cut => _held is null ? null : _cuts;
    public int PartitionCount { get; private set; }
    public ExperimentState State { get; private set; } = ExperimentState.Queued;
    public long EndTime => Scenario.DurationPs;

    public void Start(int partitions)
    {
        PartitionCount = partitions;
        State = ExperimentState.Running;
        _wall.Start();
        Moved();
    }

    public void Progressed(RunProgress p) => _progress = p;
    public void Placed(string[] members) => _members = members;

    /// <summary>Pausing only changes what is shown: the coordinator holds the run.</summary>
    public void Paused(bool paused)
    {
        if (State is ExperimentState.Running or ExperimentState.Paused) State = paused ? ExperimentState.Paused : ExperimentState.Running;
        if (!paused) _held = null;
        Moved();
    }

    /// <summary>The coordinator holds the run at a barrier (after a pause or a run-until).</summary>
    public void Held(RunHeld held)
    {
        if (State is not (ExperimentState.Running or ExperimentState.Paused)) return;
        State = ExperimentState.Paused;
        _held = held;
        _cuts++;
        Moved();
    }

    /// <summary>An action was applied where the run holds: the counters there change.</summary>
    public void Acted()
    {
        _cuts++;
        Moved();
    }

    /// <summary>The run is over and its results are being written: queries are answered from them; the state stays until written.</summary>
    public void Completed(ExperimentCompleted c)
    {
        _completion = (c.Windows, c.Partitions.Sum(p => p.EventsProcessed), c.Partitions.Sum(p => p.BusyMicroseconds) / 1e6,
            c.Partitions.Max(p => p.WallMicroseconds) / 1e6);
        _results = c.Results;
        _members = [.. c.Partitions.OrderBy(p => p.Index).Select(p => p.Address)];
        _wall.Stop();
        Moved();
    }

    public byte[]? FinalResults() => _results;

    /// <summary>The result files and the counters file are written: the results leave memory.</summary>
    public void Written()
    {
        _results = null;
        Finish(ExperimentState.Completed);
    }

    public void Finish(ExperimentState state)
    {
        _held = null;
        _wall.Stop();
        State = state;
        Moved();
    }

    /// <summary>What <see cref="LocateExperiment"/> answers has changed (before anyone can be told): the last answer's token expires.</summary>
    private void Moved()
    {
        Location.Expire();
        Location = new LocationToken();
    }

    public void Fail(string reason)
    {
        _error = reason;
        _results = null;
        Finish(ExperimentState.Failed);
    }

    public ExperimentView View()
    {
        var (time, windows, events) = _completion is { } c
            ? (EndTime, c.Windows, c.Events)
            : _held is { } h ? (h.SimulatedTime, h.Windows, h.EventsProcessed)
            : (_progress?.SimulatedTime ?? 0, _progress?.Windows ?? 0, _progress?.EventsProcessed ?? 0);
        return new ExperimentView(Id, Name, State, order, Scenario.Seed, time, EndTime, windows, events, _wall.Elapsed.TotalSeconds, PartitionCount,
            _members, _error, _completion is null ? _held?.SimulatedTime : null, _completion?.Busy, _completion?.Simulating);
    }
}
