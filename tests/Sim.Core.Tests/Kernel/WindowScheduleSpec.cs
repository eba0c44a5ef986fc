using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>Per-pair lookahead: the reach between partitions and each partition's window end, computed by hand.</summary>
public sealed class WindowScheduleSpec
{
    private const long None = long.MaxValue;
    private const long End = 1_000_000;

    /// <summary>Three partitions in a line, 0 -10- 1 -30- 2: no link between 0 and 2.</summary>
    private static readonly long[][] Line = [[None, 10, None], [10, None, 30], [None, 30, None]];

    /// <summary>The ends from each partition's earliest event held or sent (which stands for both), or held alone (nothing sent).</summary>
    private static long[] Ends(WindowSchedule schedule, long[] positions, long[] earliest, bool park = false, long holdAt = None, bool delivered = false)
    {
        var ends = new long[positions.Length];
        Assert.True(schedule.Ends(positions, earliest, delivered ? [.. earliest.Select(_ => None)] : earliest, holdAt, park, ends));
        return ends;
    }

    [Fact]
    public void Reach_must_be_the_shortest_path_of_at_least_one_hop_and_a_round_trip_on_the_diagonal()
    {
        // act
        var schedule = new WindowSchedule(Line, End, 500);

        // assert: 0 reaches 2 through 1; 1's own events come back soonest through 0; 2's through 1
        var reach = Enumerable.Range(0, 3).Select(from => Enumerable.Range(0, 3).Select(to => schedule.Reach(from, to)).ToArray()).ToArray();
        Assert.Equal([[20L, 10, 40], [10L, 20, 30], [40L, 30, 60]], reach);
        Assert.Equal(10, schedule.Lookahead);
    }

    [Fact]
    public void Each_partition_must_run_as_far_as_the_earliest_event_of_every_other_allows()
    {
        // arrange: all stand at 100; partition 2's earliest event is at 200, the others' far later
        var schedule = new WindowSchedule(Line, End, 500);

        // act: as the partitions tell it (held or sent), and once every sent event is delivered (held)
        var told = Ends(schedule, [100, 100, 100], [5_000, 5_000, 200]);
        var held = Ends(schedule, [100, 100, 100], [5_000, 5_000, 200], delivered: true);

        // assert: one window common to all would end at 200 + 10 for everyone. Held at 2, the event reaches 1 at 230 and 0 at 240, and
        // comes back to 2 at 260. Told, it may be one 2 sent 1: then it reaches 0 at 210 and 1 (round trip through 0) at 220.
        Assert.Equal([210L, 220, 230], told);
        Assert.Equal([240L, 230, 260], held);
    }

    [Fact]
    public void An_event_sent_in_the_last_window_must_count_where_it_arrives_not_only_at_its_sender()
    {
        // arrange: 0 sent 1 an event at 100 (it holds nothing else); 1 and 2 hold nothing
        var schedule = new WindowSchedule(new long[][] { [None, 10, None], [10, None, 10], [None, 10, None] }, End, 500);

        // act
        var ends = Ends(schedule, [100, 100, 100], [100, None, None]);

        // assert: 1 may handle that event at 100 and send 2 one at 110: 2's window must end there, not at 100 + 0 -> 2 (120)
        Assert.Equal([110L, 110, 110], ends);
    }

    [Fact]
    public void Ends_must_keep_to_the_run_end_and_the_hold_and_never_go_back()
    {
        // arrange
        var schedule = new WindowSchedule(Line, 300, 500);

        // act
        var held = Ends(schedule, [100, 100, 100], [200, 5_000, 5_000], holdAt: 215);
        var late = Ends(schedule, [290, 295, 299], [295, 297, 298]);

        // assert
        Assert.Equal([210L, 210, 215], held);
        Assert.Equal([300L, 300, 300], late);
    }

    [Fact]
    public void A_park_must_first_align_the_partitions_at_the_furthest_one_then_stand()
    {
        // arrange: drifted apart, partition 0 holds an event at 115
        var schedule = new WindowSchedule(Line, End, 500);
        var positions = new long[] { 110, 110, 130 };

        // act: ask to park, then again after 0 handled its event (and sent nothing), then once aligned
        var first = Ends(schedule, positions, [115, 5_000, 5_000], park: true);
        var second = Ends(schedule, first, [5_000, 5_000, 5_000], park: true);
        var stands = schedule.Ends(second, [5_000, 5_000, 5_000], [5_000, 5_000, 5_000], None, true, new long[3]);

        // assert: 0 and 1 may not pass 0's event + 10 (+ 10 for 0's own) nor where 2 stands; then all stand at 130
        Assert.Equal([125L, 125, 130], first);
        Assert.Equal([130L, 130, 130], second);
        Assert.False(stands);
    }

    [Fact]
    public void Partitions_standing_together_must_stand_when_no_event_is_left_before_the_end()
    {
        // arrange
        var schedule = new WindowSchedule(Line, 300, 500);

        // act
        var stands = schedule.Ends([250, 250, 250], [300, None, 400], [300, None, 400], None, false, new long[3]);

        // assert
        Assert.False(stands);
    }

    [Fact]
    public void One_partition_must_be_cut_for_progress_only_as_with_one_lookahead()
    {
        // arrange
        var one = new WindowSchedule(None, 1_000, 300);

        // act
        var ends = Ends(one, [0], [50]);
        var last = Ends(one, [950], [960]);

        // assert
        Assert.Equal([350L], ends);
        Assert.Equal([1_000L], last);
        Assert.Equal((50L, 350L), one.Next(50));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_sequential_run_on_a_one_way_ring_of_partitions_must_equal_the_run_on_one(int partitions)
    {
        // arrange: the ring's tokens go 0 -> 1 -> 2 -> 0: on 3 partitions 0 is one hop from 1 and two from 2
        var model = new RingModel(6, 1_000_000, ringLinks: true);
        var scenario = ScenarioLoader.Parse("duration = 2ms\nseed = 5\n", "test", ".", model);

        // act
        var one = ResultsCodec.Encode(InProcessRun.Run(model, scenario, 1));
        var split = ResultsCodec.Encode(InProcessRun.Run(model, scenario, partitions));
        var restored = ResultsCodec.Encode(InProcessRun.Run(model, scenario, partitions, restoreAt: t => t % 3 == 0));

        // assert
        Assert.Equal(one, split);
        Assert.Equal(one, restored);
    }

    [Fact]
    public void A_one_way_ring_of_three_partitions_must_reach_its_next_partition_in_one_hop_and_the_one_before_in_two()
    {
        // arrange
        var model = new RingModel(6, 1_000_000, ringLinks: true);
        var layout = model.Layout(ScenarioLoader.Parse("duration = 2ms\n", "test", ".", model), 3);

        // act
        var schedule = WindowSchedule.Of(layout, End, 1);

        // assert
        Assert.Equal([1_000_000L, 2_000_000, 3_000_000], new[] { schedule.Reach(0, 1), schedule.Reach(0, 2), schedule.Reach(0, 0) });
        Assert.Equal(1_000_000, layout.Lookahead());
    }
}
