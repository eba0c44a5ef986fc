using DcSim.SimCore.Kernel;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Cluster;

/// <summary>Parcels cut into pieces that fit a batch, and joined again from one window's batches in any order.</summary>
public sealed class ParcelPieceSpec
{
    private static byte[] Bytes(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed)).ToArray();

    [Fact]
    public void Parcels_must_be_cut_into_batches_of_at_most_256_KiB_and_joined_back_from_any_order()
    {
        // arrange: 600 KiB (3 pieces), then 100 B, an empty parcel and 200 KiB
        const int max = CheckpointPart.MaxBytes;
        Parcel[] parcels = [new(4, 1, Bytes(600 * 1024, 1)), new(4, 2, Bytes(100, 2)), new(6, 1, []), new(6, 9, Bytes(200 * 1024, 3))];

        // act
        var groups = ParcelPiece.Split(parcels);
        var batches = groups.Select((g, i) => new EventBatch(1, 0, 5, [], g)).Reverse().ToList();
        var joined = ParcelPiece.Join(batches);

        // assert: 256 + 256 | 88 + 0.1 + 0 (+200 would not fit) | 200 KiB
        Assert.Equal([max, max, 88 * 1024 + 100, 200 * 1024], groups.Select(g => g.Sum(p => p.Bytes.Length)));
        Assert.Equal([(0, 3), (1, 3), (2, 3)], groups.SelectMany(g => g).Where(p => p.Key == 1 && p.Lp == 4).Select(p => (p.Piece, p.Pieces)));
        Assert.Equal(parcels.Select(p => (p.Lp, p.Key, Convert.ToHexString(p.Bytes))).Order(),
            joined.Select(p => (p.Lp, p.Key, Convert.ToHexString(p.Bytes))).Order());
    }

    [Fact]
    public void A_parcel_missing_a_piece_must_not_be_delivered()
    {
        var pieces = ParcelPiece.Split([new Parcel(4, 1, Bytes(300 * 1024, 1))]);

        var e = Assert.Throws<InvalidOperationException>(() => ParcelPiece.Join([new EventBatch(1, 2, 5, [], pieces[1])]));

        Assert.Equal("the parcel partition 2 sent to LP 4 under key 1 arrived as 1 pieces of 2", e.Message);
    }
}
