using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// A model made only for kernel tests: LPs in a ring pass tokens to their successor after the link
/// latency plus a random jitter. LP i runs in partition i mod P, so every hop crosses partitions when
/// P > 1. Each LP checks that its clock never goes back and reports a checksum of what it handled. <paramref name="onHandle"/>, when
/// given, sees each event an LP handles (LP id, time) first: a test may look at the thread or throw. With <paramref name="ringLinks"/> the
/// layout links only the partitions a token goes between (on 3 partitions a one-way ring: each partition a different distance from the
/// others), else every pair.
/// </summary>
internal sealed class RingModel(int lps, long latencyPs, Action<int, long>? onHandle = null, Action<int>? onSnapshot = null, bool ringLinks = false)
    : IModelFactory
{
    /// <summary>The ring has no settings of its own: its size and latency are given in code.</summary>
    public IScenarioModel Read(ScenarioSection root, ScenarioReadContext context) => NoSettings.Instance;

    public IPartitionLayout Layout(ScenarioSettings scenario, int partitions) => Ring(Math.Max(1, partitions));

    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int[] partitionOfLp, int index)
    {
        var partition = new Partition(index, partitions, partitionOfLp);
        for (var i = 0; i < lps; i++)
            if (partitionOfLp[i] == index) partition.Add(new RingLp(i, lps, latencyPs, scenario.Seed, onHandle, onSnapshot));
        return partition;
    }

    private TestLayout Ring(int partitions)
    {
        var partitionOfLp = Enumerable.Range(0, lps).Select(i => i % partitions).ToArray();
        if (!ringLinks) return new(partitions, partitionOfLp, latencyPs);
        var latencies = TestLayout.AllLinked(partitions, long.MaxValue);
        for (var i = 0; i < lps; i++)
            if (partitionOfLp[i] != partitionOfLp[(i + 1) % lps]) latencies[partitionOfLp[i]][partitionOfLp[(i + 1) % lps]] = latencyPs;
        return new(partitions, partitionOfLp, latencies);
    }
}

/// <summary>The layout of a test model: LPs placed by hand, the partitions linked as given (by default every pair, one latency apart).</summary>
internal sealed class TestLayout(int partitions, int[] partitionOfLp, long[][] latencies) : IPartitionLayout
{
    public TestLayout(int partitions, int[] partitionOfLp, long latencyPs) : this(partitions, partitionOfLp, AllLinked(partitions, latencyPs)) { }

    public int Partitions { get; } = partitions;
    public int[] PartitionOfLp { get; } = partitionOfLp;

    public long[][] LinkLatencies() => latencies;

    /// <summary>By [from][to]: <paramref name="latencyPs"/> between any two of <paramref name="partitions"/>, none within one.</summary>
    public static long[][] AllLinked(int partitions, long latencyPs) =>
        [.. Enumerable.Range(0, partitions).Select(from => Enumerable.Range(0, partitions).Select(to => from == to ? long.MaxValue : latencyPs).ToArray())];
}

internal sealed class NoSettings : IScenarioModel
{
    public static readonly NoSettings Instance = new();

    public void WriteResolved(ResolvedHocon root) { }

    public ScenarioCostEstimate EstimateCost() => new(ScenarioCostEstimate.BaseBytes, "", 0, "");
}

internal sealed class RingLp(int id, int lps, long latencyPs, ulong seed, Action<int, long>? onHandle = null, Action<int>? onSnapshot = null)
    : LogicalProcess(id, $"ring{id}")
{
    private readonly Rng _rng = RandomStreams.Create(seed, id, "jitter");
    private long _checksum;
    private long _lastTime = -1;

    public bool ClockWentBack { get; private set; }

    public override void Start() => SchedulePacket(Id * 1_000L, 0, 0, new Packet { FlowId = Id, Sequence = 0 });

    public override void Handle(ref SimEvent e)
    {
        onHandle?.Invoke(Id, e.Time);
        if (e.Time < _lastTime) ClockWentBack = true;
        _lastTime = e.Time;
        _checksum = unchecked(_checksum * 31 + e.Time * 7 + e.Packet.FlowId * 13 + e.Packet.Sequence);
        var next = (Id + 1) % lps;
        var packet = e.Packet;
        packet.Sequence++;
        SendPacket(next, Now + latencyPs + _rng.NextInt(1000), 0, 0, in packet);
    }

    /// <summary>"token LP": LP (by name) gets one more token at the directive's time.</summary>
    public override DirectiveResult? Apply(Directive directive)
    {
        if (directive.Verb != "token" || directive.Arguments is not [var lp, ..] || lp != Name) return null;
        if (directive.Arguments.Length > 1) return DirectiveResult.Refused($"token takes one argument, an LP: '{directive.Arguments[1]}' is one too many");
        SchedulePacket(Now, 0, 0, new Packet { FlowId = Id, Sequence = 1_000_000 * (int)directive.Id });
        return DirectiveResult.Applied($"a token at {Now} ps", Name);
    }

    public override void Snapshot(ResultsBuilder results)
    {
        onSnapshot?.Invoke(Id);
        results.EventsByLp[Name] = EventsProcessed;
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        results.EventsByLp[Name] = EventsProcessed;
        var f = results.Flow(Id);
        f.SentBytes = _checksum;
        f.Kind = ClockWentBack ? "clock-went-back" : "ok";
    }
}
