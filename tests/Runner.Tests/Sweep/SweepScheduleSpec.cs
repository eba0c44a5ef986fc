using DcSim.Runner.Sweep;
using Xunit;

namespace DcSim.Runner.Tests.Sweep;

public sealed class SweepScheduleSpec
{
    private static IReadOnlyList<(string Member, int Point)> Assign(SweepSchedule<string> schedule) => schedule.Assign(out _);

    [Fact]
    public void Assign_must_hand_points_out_in_grid_order_one_per_free_member()
    {
        // arrange
        var schedule = new SweepSchedule<string>([1, 2, 3, 4, 5]);
        schedule.Add("a");
        schedule.Add("b");

        // act
        var first = Assign(schedule);
        var whileBusy = Assign(schedule);
        schedule.Complete("b", 2);
        var next = Assign(schedule);

        // assert
        Assert.Equal([("a", 1), ("b", 2)], first);
        Assert.Empty(whileBusy);
        Assert.Equal([("b", 3)], next);
        Assert.Equal(1, schedule.Done);
        Assert.False(schedule.Finished);
    }

    [Fact]
    public void Lose_must_put_the_members_point_back_at_its_place_in_the_queue_for_the_next_free_member()
    {
        // arrange
        var schedule = new SweepSchedule<string>([1, 2, 3, 4]);
        schedule.Add("a");
        schedule.Add("b");
        Assign(schedule);
        schedule.Complete("a", 1);
        Assert.Equal([("a", 3)], Assign(schedule));

        // act
        var lost = schedule.Lose("b");
        schedule.Complete("a", 3);
        var next = Assign(schedule);

        // assert: point 2 again, before 4
        Assert.Equal(2, lost);
        Assert.Equal([("a", 2)], next);
        Assert.Equal(1, schedule.Members);
        Assert.Null(schedule.Lose("b"));
    }

    [Fact]
    public void Complete_must_keep_the_first_result_and_ignore_a_late_one_from_a_member_thought_lost()
    {
        // arrange: b runs 1, is lost, 1 goes to a
        var schedule = new SweepSchedule<string>([1, 2]);
        schedule.Add("b");
        Assign(schedule);
        schedule.Lose("b");
        schedule.Add("a");
        Assert.Equal([("a", 1)], Assign(schedule));

        // act: b's result comes after all, then a's
        var late = schedule.Complete("b", 1);
        var second = schedule.Complete("a", 1);
        var next = Assign(schedule);

        // assert: written once; a is free again and takes 2; 1 is never handed out again
        Assert.True(late);
        Assert.False(second);
        Assert.Equal([("a", 2)], next);
        schedule.Complete("a", 2);
        Assert.True(schedule.Finished);
        Assert.Equal(2, schedule.Done);
    }

    [Fact]
    public void Complete_must_take_a_requeued_point_out_of_the_queue()
    {
        // arrange: b runs 1 and is lost while a is busy with 2
        var schedule = new SweepSchedule<string>([1, 2]);
        schedule.Add("b");
        schedule.Add("a");
        Assign(schedule);
        schedule.Lose("b");

        // act: b's result for 1 arrives before a is free
        var accepted = schedule.Complete("b", 1);
        schedule.Complete("a", 2);

        // assert
        Assert.True(accepted);
        Assert.Empty(Assign(schedule));
        Assert.True(schedule.Finished);
    }

    [Fact]
    public void Fail_must_retry_once_on_another_member_then_give_the_point_up()
    {
        // arrange
        var schedule = new SweepSchedule<string>([1, 2, 3]);
        schedule.Add("a");
        schedule.Add("b");
        Assign(schedule);

        // act: 1 fails on a; a must not take it again but moves on to 3; b takes 1 when free, and it fails again
        var first = schedule.Fail("a", 1);
        var afterFirst = Assign(schedule);
        schedule.Complete("b", 2);
        var retry = Assign(schedule);
        var second = schedule.Fail("b", 1);
        schedule.Complete("a", 3);

        // assert
        Assert.Equal(PointFailure.Retry, first);
        Assert.Equal([("a", 3)], afterFirst);
        Assert.Equal([("b", 1)], retry);
        Assert.Equal(PointFailure.GivenUp, second);
        Assert.Empty(Assign(schedule));
        Assert.True(schedule.Finished);
        Assert.Equal([1], schedule.GivenUp);
        Assert.Equal(2, schedule.Done);
    }

    [Fact]
    public void Fail_must_give_up_at_once_when_no_other_member_is_live()
    {
        // arrange
        var schedule = new SweepSchedule<string>([1, 2]);
        schedule.Add("a");
        Assign(schedule);

        // act
        var outcome = schedule.Fail("a", 1);

        // assert: a goes on with 2
        Assert.Equal(PointFailure.GivenUp, outcome);
        Assert.Equal([("a", 2)], Assign(schedule));
    }

    [Fact]
    public void Assign_must_give_up_a_waiting_point_once_every_live_member_has_failed_it()
    {
        // arrange: 1 fails on a and waits for b, which is lost
        var schedule = new SweepSchedule<string>([1, 2]);
        schedule.Add("a");
        schedule.Add("b");
        Assign(schedule);
        Assert.Equal(PointFailure.Retry, schedule.Fail("a", 1));
        schedule.Lose("b");

        // act
        var assigned = schedule.Assign(out var givenUp);

        // assert: 2 (b's, back in the queue) goes to a; 1 has nobody left
        Assert.Equal([1], givenUp);
        Assert.Equal([("a", 2)], assigned);
    }

    [Fact]
    public void Fail_must_be_ignored_for_a_point_done_already()
    {
        // arrange
        var schedule = new SweepSchedule<string>([1]);
        schedule.Add("a");
        Assign(schedule);
        schedule.Lose("a");
        schedule.Add("b");
        Assign(schedule);
        schedule.Complete("b", 1);

        // act
        var outcome = schedule.Fail("a", 1);

        // assert
        Assert.Equal(PointFailure.Ignored, outcome);
        Assert.Empty(schedule.GivenUp);
        Assert.True(schedule.Finished);
    }
}
