using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The latency of the data delivered on a move's two servers (the moved VM's or container's own included, the migration stream
/// excluded), before the move started, during it (to the resumption) and after: migrations.csv's last columns. Each server records
/// what it delivers; the results merge the two (<see cref="MigrationResults.TrafficFamily"/>).
/// </summary>
internal sealed class MigrationTraffic
{
    private readonly LatencyHistogram[] _latency = [new(3), new(3), new(3)];

    /// <summary>Counts <paramref name="packet"/>, delivered at <paramref name="now"/>, in <paramref name="period"/> (0 before, 1 during, 2 after).</summary>
    public void Record(int period, in Packet packet, long now)
    {
        if (FlowIds.Application(packet.FlowId) == MigrationStream.Application) return;
        _latency[period].Record(now - packet.CreatedAt);
    }

    public void Report(ResultsBuilder results, int migration)
    {
        for (var period = 0; period < _latency.Length; period++)
            results.Histogram(MigrationResults.TrafficFamily, MigrationResults.TrafficKey(migration, period)).Add(_latency[period]);
    }
}

/// <summary>A move that measures the traffic delivered on its two servers around it (<see cref="MigrationObserver"/>).</summary>
internal interface IMeasuredMigration
{
    void Observe(in Packet packet, long now);
}
