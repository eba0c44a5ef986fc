using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// A model made for parcel tests: LP 0 (partition 0) sends LP 1 (the last partition) <paramref name="sends"/> parcels, one every half
/// latency, each taken by a control event five latencies later, so that several wait at every barrier while it sends; every eighth
/// parcel is larger than a batch carries, every eighth is empty. LP 0 also sends itself a parcel each time and takes it the next.
/// Both report a checksum of what they took.
/// </summary>
internal sealed class ParcelModel(long latencyPs, int sends) : IModelFactory
{
    public const ushort Take = 1;

    public IScenarioModel Read(ScenarioSection root, ScenarioReadContext context) => NoSettings.Instance;

    public IPartitionLayout Layout(ScenarioSettings scenario, int partitions) => TwoLps(Math.Max(1, partitions));

    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int[] partitionOfLp, int index)
    {
        var partition = new Partition(index, partitions, partitionOfLp);
        if (partitionOfLp[0] == index) partition.Add(new ParcelSender(latencyPs, sends));
        if (partitionOfLp[1] == index) partition.Add(new ParcelReceiver());
        return partition;
    }

    /// <summary>The bytes of parcel <paramref name="n"/>.</summary>
    public static byte[] Content(int n)
    {
        var size = (n % 8) switch
        {
            3 => 300 * 1024 + n,
            7 => 0,
            _ => 100 + 37 * n,
        };
        var bytes = new byte[size];
        for (var i = 0; i < size; i++) bytes[i] = (byte)(i * 7 + n * 13 + (i >> 8));
        return bytes;
    }

    /// <summary>FNV-1a of every byte taken, in order.</summary>
    public static long Checksum(long sum, byte[] bytes)
    {
        foreach (var b in bytes) sum = unchecked((sum ^ b) * 1099511628211);
        return sum;
    }

    private TestLayout TwoLps(int partitions) => new(partitions, [0, partitions - 1], latencyPs);
}

internal sealed class ParcelSender(long latencyPs, int sends) : LogicalProcess(0, "sender")
{
    private long _checksum = unchecked((long)14695981039346656037);
    private int _taken;
    private bool _missing;

    public override void Start() => ScheduleTimer(0, 0, 0);

    public override void Handle(ref SimEvent e)
    {
        var n = e.Token;
        if (n > 0) Keep(TakeParcel(n - 1));
        if (n == sends) return;
        SendParcel(1, 100 + n, ParcelModel.Content(n));
        SendControl(1, Now + 5 * latencyPs, 0, ParcelModel.Take, new Packet { Sequence = n });
        SendParcel(Id, n, [(byte)n, 1, 2]);
        ScheduleTimer(Now + latencyPs / 2, 0, 0, n + 1);
    }

    private void Keep(byte[]? parcel)
    {
        if (parcel is null) _missing = true;
        else
        {
            _checksum = ParcelModel.Checksum(_checksum, parcel);
            _taken++;
        }
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        results.EventsByLp[Name] = EventsProcessed;
        var f = results.Flow(Id);
        (f.SentPackets, f.SentBytes, f.Kind) = (_taken, _checksum, _missing ? "missing" : "ok");
    }
}

internal sealed class ParcelReceiver() : LogicalProcess(1, "receiver")
{
    private long _checksum = unchecked((long)14695981039346656037);
    private long _bytes;
    private int _taken;
    private string _kind = "ok";

    public override void Handle(ref SimEvent e)
    {
        var key = 100 + e.Packet.Sequence;
        if (e.Kind != EventKind.Control || e.Port != ParcelModel.Take || TakeParcel(key) is not { } parcel)
        {
            _kind = $"missing {key}";
            return;
        }
        if (TakeParcel(key) is not null) _kind = $"taken twice {key}";
        _checksum = ParcelModel.Checksum(_checksum, parcel);
        _bytes += parcel.Length;
        _taken++;
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        results.EventsByLp[Name] = EventsProcessed;
        var f = results.Flow(Id);
        (f.DeliveredPackets, f.DeliveredBytes, f.SentBytes, f.Kind) = (_taken, _bytes, _checksum, _kind);
    }
}
