using DcSim.ActorsHost.Tcp;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>The receiver's out-of-order ranges and the SACK blocks it reports (RFC 2018 §4).</summary>
public class ReassemblyQueueSpec
{
    private static (long, long)[] Blocks(ReassemblyQueue q)
    {
        Span<(long Start, long End)> blocks = stackalloc (long, long)[3];
        var n = q.SackBlocks(blocks);
        return blocks[..n].ToArray();
    }

    [Fact]
    public void Held_ranges_must_merge_and_be_released_when_the_hole_before_them_fills()
    {
        var q = new ReassemblyQueue();
        q.Add(200, 300);
        q.Add(400, 500);
        Assert.Equal(200, q.HeldBytes);
        // Touching and overlapping ranges join; a duplicate adds nothing.
        q.Add(300, 400);
        q.Add(250, 350);
        Assert.Equal(300, q.HeldBytes);
        Assert.Equal([(200L, 500L)], Blocks(q));

        // The next expected byte reaches 150: nothing joins yet. At 200 the whole range is in order.
        Assert.Equal(150, q.Advance(150));
        Assert.Equal(500, q.Advance(200));
        Assert.True(q.IsEmpty);
        Assert.Equal(0, q.HeldBytes);
        Assert.Empty(Blocks(q));
    }

    [Fact]
    public void SACK_blocks_must_start_with_the_most_recent_segment_and_hold_at_most_three()
    {
        var q = new ReassemblyQueue();
        q.Add(200, 300);
        q.Add(600, 700);
        q.Add(400, 500);
        Assert.Equal([(400L, 500L), (600L, 700L), (200L, 300L)], Blocks(q));
        q.Add(800, 900);
        Assert.Equal([(800L, 900L), (400L, 500L), (600L, 700L)], Blocks(q));
        // A segment joining an older range puts that range first.
        q.Add(300, 350);
        Assert.Equal([(200L, 350L), (800L, 900L), (400L, 500L)], Blocks(q));
        // Ranges below the next expected byte are gone from the report.
        Assert.Equal(350, q.Advance(200));
        Assert.Equal([(800L, 900L), (400L, 500L), (600L, 700L)], Blocks(q));
    }
}
