using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// Tests that start clusters of processes and kill or interrupt them, with time limits on how fast they must react: they run one
/// at a time, not beside each other (on 2 cores, two of them at once starve each other's heartbeats and signal handling).
/// </summary>
[CollectionDefinition(Name)]
public sealed class MultiProcessCollection
{
    public const string Name = "multi-process, timed";
}
