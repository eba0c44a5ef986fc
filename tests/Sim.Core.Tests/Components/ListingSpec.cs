using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Components;

/// <summary>Listings in a partition's snapshot: only when asked, only of the components the query covers, cut to its limit, at its time.</summary>
public sealed class ListingSpec
{
    /// <summary>Keeps three entries, each listed with its age at the listing's time; counts how often it was asked.</summary>
    private sealed class Table(string path) : Component(path)
    {
        public override string Kind => "table";

        public int Listed { get; private set; }
        public override void Receive(int port, in Packet packet) { }
        public override void WriteCounters(ComponentCounters counters, long now) => counters["entries"] = 3;
        public override void WriteListings(ComponentListings listings)
        {
            Listed++;
            listings.Add("entries", 3, Enumerable.Range(0, 3).Select(i => $"entry {i}, age {listings.AtPs - i * SimTime.Microsecond} ps"));
        }
    }

    private static (Partition Partition, Table[] Tables) Build()
    {
        var partition = new Partition(0, 1, [0, 0]);
        var box = new ComponentLp(0, "host1");
        var other = new ComponentLp(1, "host10");
        var tables = new[] { box.Add(new Table("host1/table")), box.Add(new Table("host1/kvm-0/table")), other.Add(new Table("host10/table")) };
        partition.Add(box);
        partition.Add(other);
        partition.Start();
        partition.RunUntil(5 * SimTime.Microsecond);
        return (partition, tables);
    }

    [Fact]
    public void A_snapshot_must_carry_listings_only_of_the_components_asked_for_cut_to_the_limit_at_the_later_of_its_time_and_the_held_time()
    {
        // arrange
        var (partition, tables) = Build();

        // act
        var plain = partition.SnapshotCounters();
        var listed = partition.SnapshotCounters(new ListingQuery("host1", 2, -1));
        var held = partition.SnapshotCounters(new ListingQuery("host1/table", 5, 8 * SimTime.Microsecond));

        // assert: host10 is not under host1; the time is the partition's own (5 us) unless the run holds later (8 us)
        Assert.Empty(plain.Listings);
        Assert.Equal(["host1/kvm-0/table", "host1/table"], listed.Listings.Keys);
        var entries = listed.Listings["host1/table"]["entries"];
        Assert.Equal((5 * SimTime.Microsecond, 3L), (entries.AtPs, entries.Total));
        Assert.Equal(["entry 0, age 5000000 ps", "entry 1, age 4000000 ps"], entries.Lines);
        Assert.Equal(["host1/table"], held.Listings.Keys);
        Assert.Equal((8 * SimTime.Microsecond, 3), (held.Listings["host1/table"]["entries"].AtPs, held.Listings["host1/table"]["entries"].Lines.Count));
        Assert.Equal((2, 1, 0), (tables[0].Listed, tables[1].Listed, tables[2].Listed));
        Assert.Equal(ResultsCodec.Encode(plain), ResultsCodec.Encode(Counters(listed)));   // the counters are the same with listings or without
    }

    [Fact]
    public void Listings_must_survive_the_codec_and_a_merge()
    {
        // arrange
        var (partition, _) = Build();
        var listed = partition.SnapshotCounters(new ListingQuery("host1", 2, -1));

        // act
        var decoded = ResultsCodec.Decode(ResultsCodec.Encode(listed));
        var merged = new ResultsBuilder();
        merged.Merge(decoded);

        // assert
        Assert.Equal(ResultsCodec.Encode(listed), ResultsCodec.Encode(merged));
        Assert.Equal(listed.Listings["host1/table"]["entries"].Lines, merged.Listings["host1/table"]["entries"].Lines);
    }

    [Theory]
    [InlineData("host1", "host1", true)]
    [InlineData("host1", "host1/vswitch", true)]
    [InlineData("host1", "host10/vswitch", false)]
    [InlineData("host1/vswitch", "host1", false)]
    public void A_query_must_cover_its_path_and_the_paths_under_it_only(string asked, string component, bool covered) =>
        Assert.Equal(covered, new ListingQuery(asked, 1, -1).Covers(component));

    /// <summary>The snapshot without its listings.</summary>
    private static ResultsBuilder Counters(ResultsBuilder r)
    {
        var copy = ResultsCodec.Decode(ResultsCodec.Encode(r));
        copy.Listings.Clear();
        return copy;
    }
}
