using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>Parcels: bytes an LP sends another, kept by the receiving partition until the LP takes them.</summary>
public sealed class PartitionParcelSpec
{
    private sealed class Box(int id) : LogicalProcess(id, $"box{id}")
    {
        public override void Handle(ref SimEvent e) { }

        public override void Report(ResultsBuilder results, long endTime) { }
    }

    /// <summary>LPs 0 and 1 in partition 0, LP 2 in partition 1.</summary>
    private static readonly int[] PartitionOfLp = [0, 0, 1];

    private static (Partition Partition, Box[] Lps) Build(int index)
    {
        var partition = new Partition(index, 2, PartitionOfLp);
        var lps = Enumerable.Range(0, PartitionOfLp.Length).Where(i => PartitionOfLp[i] == index).Select(i => new Box(i)).ToArray();
        foreach (var lp in lps) partition.Add(lp);
        return (partition, lps);
    }

    [Fact]
    public void A_parcel_for_a_local_LP_must_be_there_at_once_and_taken_once()
    {
        // arrange
        var (partition, lps) = Build(0);
        byte[] bytes = [1, 2, 3];

        // act
        lps[0].SendParcel(1, 7, bytes);

        // assert
        Assert.False(partition.HasOutbox(1));
        Assert.Null(lps[0].TakeParcel(7));
        Assert.Same(bytes, lps[1].TakeParcel(7));
        Assert.Null(lps[1].TakeParcel(7));
    }

    [Fact]
    public void A_parcel_for_another_partition_must_wait_in_its_outbox_until_delivered()
    {
        // arrange
        var (sender, senders) = Build(0);
        var (receiver, receivers) = Build(1);

        // act
        senders[0].SendParcel(2, -5, [9, 8]);
        senders[1].SendParcel(2, 4, []);
        Assert.True(sender.HasOutbox(1));
        var parcels = sender.TakeParcels(1);
        receiver.DeliverParcels(parcels);

        // assert
        Assert.Equal([(2, -5L, "0908"), (2, 4L, "")], parcels.Select(p => (p.Lp, p.Key, Convert.ToHexString(p.Bytes))));
        Assert.False(sender.HasOutbox(1));
        Assert.Empty(sender.TakeParcels(1));
        Assert.Equal([9, 8], receivers[0].TakeParcel(-5)!);
        Assert.Equal([], receivers[0].TakeParcel(4)!);
    }

    [Fact]
    public void A_second_parcel_under_a_key_not_yet_taken_must_be_refused_naming_the_LP_and_key()
    {
        // arrange
        var (partition, lps) = Build(0);
        var (receiver, _) = Build(1);
        lps[0].SendParcel(1, 7, [1]);
        receiver.DeliverParcels([new Parcel(2, 7, [1])]);

        // act
        var local = Assert.Throws<InvalidOperationException>(() => lps[0].SendParcel(1, 7, [2]));
        var remote = Assert.Throws<InvalidOperationException>(() => receiver.DeliverParcels([new Parcel(2, 7, [2])]));

        // assert: the same key is free again once taken, and for another LP
        Assert.Contains("LP box1 (LP 1)", local.Message);
        Assert.Contains("key 7", local.Message);
        Assert.Contains("LP box2 (LP 2)", remote.Message);
        lps[0].SendParcel(0, 7, [3]);
        Assert.Equal([1], lps[1].TakeParcel(7)!);
        lps[0].SendParcel(1, 7, [4]);
        Assert.Equal([4], lps[1].TakeParcel(7)!);
        Assert.False(partition.HasOutbox(1));
    }

    [Fact]
    public void A_parcel_for_an_LP_the_partition_does_not_host_must_be_refused()
    {
        var (receiver, _) = Build(1);

        var e = Assert.Throws<InvalidOperationException>(() => receiver.DeliverParcels([new Parcel(0, 1, [])]));

        Assert.Equal("partition 1 received a parcel for LP 0, which it does not host", e.Message);
        Assert.Throws<InvalidOperationException>(() => receiver.DeliverParcels([new Parcel(3, 1, [])]));
    }

    [Fact]
    public void A_checkpoint_must_keep_the_parcels_waiting_and_not_depend_on_the_order_they_arrived_in()
    {
        // arrange: the same three parcels delivered in two orders, one of them in two messages
        var (first, _) = Build(1);
        var (second, _) = Build(1);
        Parcel a = new(2, 3, [1, 2, 3]), b = new(2, -1, [4]), c = new(2, 10, new byte[5000]);
        first.DeliverParcels([a, b, c]);
        second.DeliverParcels([c]);
        second.DeliverParcels([b, a]);

        // act
        var checkpoint = PartitionCheckpoint.Save(first);
        var restored = PartitionCheckpoint.Restore(checkpoint);

        // assert
        Assert.Equal(checkpoint, PartitionCheckpoint.Save(second));
        var lp = restored.LocalProcesses.Single();
        Assert.Equal([4], lp.TakeParcel(-1)!);
        Assert.Equal([1, 2, 3], lp.TakeParcel(3)!);
        Assert.Equal(5000, lp.TakeParcel(10)!.Length);
        Assert.Null(lp.TakeParcel(3));
    }

    [Fact]
    public void A_run_sending_parcels_across_partitions_must_give_the_same_results_on_any_split_and_through_restores()
    {
        // arrange: 64 parcels, 8 of them of 300 KiB, each taken 5 us after it is sent
        var model = new ParcelModel(1_000_000, 64);
        var scenario = ScenarioLoader.Parse(PartitionActorSpec.Scenario, "test", ".", model);
        var expected = Enumerable.Range(0, 64).Select(ParcelModel.Content).ToList();

        // act
        var one = InProcessRun.Run(model, scenario, 1);
        var two = InProcessRun.Run(model, scenario, 2);
        var three = InProcessRun.Run(model, scenario, 3);
        var restored = InProcessRun.Run(model, scenario, 2, restoreAt: _ => true);

        // assert
        var received = one.Flows[1];
        Assert.Equal(("ok", 64L), (received.Kind, received.DeliveredPackets));
        Assert.Equal(expected.Sum(b => (long)b.Length), received.DeliveredBytes);
        Assert.Equal(expected.Aggregate(unchecked((long)14695981039346656037), ParcelModel.Checksum), received.SentBytes);
        Assert.Equal(("ok", 64L), (one.Flows[0].Kind, one.Flows[0].SentPackets));
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(two));
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(three));
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(restored));
    }
}
