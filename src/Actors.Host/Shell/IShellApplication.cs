using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Shell;

/// <summary>What a directive started (a ping, an iperf): it writes its counters under its own component path.</summary>
internal interface IShellApplication
{
    string Path { get; }

    /// <summary>Adds its counters as they stand (a snapshot while the run goes on, or the final results).</summary>
    void Write(ResultsBuilder results);
}
