using System.Diagnostics;
using DcSim.SimCore.Units;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// The live progress line on a terminal: simulated time, % done, wall time, events/s and ETA.
/// Silent when stderr is redirected, so logs and pipes stay clean.
/// </summary>
internal sealed class ProgressLine
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private long _lastDrawMs = -1000;
    private bool _drawn;

    public void Update(RunProgress p)
    {
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

    public void Done()
    {
        if (_drawn) Console.Error.WriteLine();
    }
}
