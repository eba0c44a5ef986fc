using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// A model made only for kernel tests: LPs that send nothing, each handling an event every <paramref name="periodPs"/> from time 0. LP i
/// runs in partition i mod P, every pair of partitions linked <paramref name="latencyPs"/> apart, so every window of every partition
/// starts on the same tick and holds the same ticks: a test knows which events a window holds. <paramref name="onHandle"/> sees each
/// event (LP id, time) first.
/// </summary>
internal sealed class TickModel(int lps, long periodPs, long latencyPs, Action<int, long> onHandle) : IModelFactory
{
    public IScenarioModel Read(ScenarioSection root, ScenarioReadContext context) => NoSettings.Instance;

    public IPartitionLayout Layout(ScenarioSettings scenario, int partitions) =>
        new TestLayout(partitions, [.. Enumerable.Range(0, lps).Select(i => i % partitions)], latencyPs);

    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int[] partitionOfLp, int index)
    {
        var partition = new Partition(index, partitions, partitionOfLp);
        for (var i = 0; i < lps; i++)
            if (partitionOfLp[i] == index) partition.Add(new TickLp(i, periodPs, onHandle));
        return partition;
    }

    private sealed class TickLp(int id, long periodPs, Action<int, long> onHandle) : LogicalProcess(id, $"tick{id}")
    {
        public override void Start() => SchedulePacket(0, 0, 0, new Packet { FlowId = Id });

        public override void Handle(ref SimEvent e)
        {
            onHandle(Id, e.Time);
            SchedulePacket(Now + periodPs, 0, 0, e.Packet);
        }

        public override void Snapshot(ResultsBuilder results) => results.EventsByLp[Name] = EventsProcessed;

        public override void Report(ResultsBuilder results, long endTime) => results.EventsByLp[Name] = EventsProcessed;
    }
}
