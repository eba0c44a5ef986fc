using System.Diagnostics;
using DcSim.SimCore.Units;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// The live progress line on a terminal: simulated time, % done, wall time, events/s and ETA.
/// Silent when stderr is redirected, so logs and pipes stay clean; a restart after losing a cluster member is
/// always said, on a line of its own.
/// </summary>
internal sealed class ProgressLine
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private long _lastDrawMs = -1000;
    private bool _drawn;

    public void Update(RunProgress p)
    {
        if (p.Restart is { } restart)
        {
            if (_drawn) Console.Error.WriteLine();
            _drawn = false;
            Console.Error.WriteLine($"dcsim: {Describe(restart)}");
            // Rate and ETA start again with the new attempt, as its counters do.
            _wall.Restart();
            _lastDrawMs = -1000;
            return;
        }
        if (!_enabled) return;
        var ms = _wall.ElapsedMilliseconds;
        if (ms - _lastDrawMs < 250) return;
        _lastDrawMs = ms;
        var fraction = p.EndTime == 0 ? 1 : Math.Clamp((double)p.SimulatedTime / p.EndTime, 0, 1);
        var seconds = _wall.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? p.EventsProcessed / seconds : 0;
        var eta = fraction > 0.001 ? TimeSpan.FromSeconds(seconds / fraction - seconds) : (TimeSpan?)null;
        Console.Error.Write($"\r  sim {SimTime.Format(p.SimulatedTime)} / {SimTime.Format(p.EndTime)} ({fraction:P1})  wall {seconds:0.0}s  {rate / 1e6:0.00} M events/s  ETA {(eta is { } e ? $"{e.TotalSeconds:0}s" : "?")}   ");
        _drawn = true;
    }

    /// <summary>
    /// "cluster member M was disconnected (partitions 1, 2) at sim 1.2 ms: restarting the run from the start (or: its checkpoint at sim
    /// 1 ms) on the surviving members (lost member 1 of at most 3)".
    /// </summary>
    private static string Describe(RunRestart r)
    {
        var partitions = r.Partitions.Length switch
        {
            0 => "",
            1 => $" (partition {r.Partitions[0]})",
            _ => $" (partitions {string.Join(", ", r.Partitions)})",
        };
        var from = r.From.IsStart ? "the start" : $"its checkpoint at sim {SimTime.Format(r.From.SimulatedTime)}";
        return $"cluster member {r.Member} {r.What}{partitions} at sim {SimTime.Format(r.LostAt)}: restarting the run from {from} on the surviving members (lost member {r.Loss} of at most {r.MaxLosses})";
    }

    public void Done()
    {
        if (_drawn) Console.Error.WriteLine();
    }
}
