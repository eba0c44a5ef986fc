using DcSim.SimCore.Units;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>The checkpoints a run took, for its summary line: how many, how big, and what they cost in wall time.</summary>
internal sealed class CheckpointTally
{
    private long _bytes;
    private long _wallMicroseconds;
    private long _lastAt;

    public int Count { get; private set; }

    /// <summary>Called on the client actor's thread; read once the run is over.</summary>
    public void Add(CheckpointTaken c)
    {
        Count++;
        _bytes += c.Point.Bytes;
        _wallMicroseconds += c.WallMicroseconds;
        _lastAt = c.Point.SimulatedTime;
    }

    /// <summary>"12 taken, 310 KiB each on average, 0.041 s each from barrier to the last piece; the last at sim 11 ms".</summary>
    public override string ToString() =>
        $"{Count} taken, {_bytes / Count / 1024.0:N0} KiB each on average, {_wallMicroseconds / Count / 1e6:0.000} s each from barrier to the last piece; the last at sim {SimTime.Format(_lastAt)}";
}
