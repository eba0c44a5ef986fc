using DcSim.SimCore.Kernel;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>The heap against an oracle: a sorted set of (time, order).</summary>
public sealed class EventHeapSpec
{
    [Fact]
    public void Popping_an_empty_heap_must_throw_and_leave_it_usable()
    {
        var heap = new EventHeap();
        heap.PushNew(5, 1, 0);
        heap.PopRef();

        Assert.Throws<InvalidOperationException>(() => heap.PopRef());
        heap.PushNew(7, 2, 3);

        Assert.Equal(1, heap.Count);
        Assert.Equal(7, heap.PopRef().Time);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Heap_must_pop_in_time_then_order_sequence_with_its_payload_intact(ulong seed)
    {
        // arrange: interleaved pushes and pops, many equal times, enough to grow the slab and reuse slots
        var rng = RandomStreams.Create(seed, 0, "heap");
        var heap = new EventHeap();
        var oracle = new SortedSet<SimEvent>(Comparer<SimEvent>.Create((a, b) => (a.Time, a.Order).CompareTo((b.Time, b.Order))));
        var popped = new List<SimEvent>();
        var expected = new List<SimEvent>();
        long sequence = 0;

        // act
        for (var step = 0; step < 20_000; step++)
        {
            if (oracle.Count == 0 || rng.NextInt(3) != 0)
            {
                var e = new SimEvent
                {
                    Time = rng.NextInt(500), Order = SimEvent.MakeOrder(rng.NextInt(8), sequence++), Lp = rng.NextInt(100),
                    Kind = EventKind.Packet, Packet = new Packet { FlowId = sequence, PayloadBytes = rng.NextInt(1500) },
                };
                heap.Push(in e);
                oracle.Add(e);
            }
            else
            {
                var min = oracle.Min;
                oracle.Remove(min);
                expected.Add(min);
                heap.Pop(out var top);
                popped.Add(top);
            }
            Assert.Equal(oracle.Count, heap.Count);
        }

        // assert
        Assert.Equal(expected.Select(e => (e.Time, e.Order, e.Lp, e.Packet.FlowId, e.Packet.PayloadBytes)),
            popped.Select(e => (e.Time, e.Order, e.Lp, e.Packet.FlowId, e.Packet.PayloadBytes)));
        Assert.Equal(oracle.Select(e => e.Order).Order(), heap.Snapshot().Select(e => e.Order).Order());
    }

    [Fact]
    public void An_empty_heap_must_peek_at_the_end_of_time()
    {
        var heap = new EventHeap();
        Assert.Equal(long.MaxValue, heap.PeekTime);
        heap.Push(new SimEvent { Time = 7 });
        heap.Pop(out _);
        Assert.Equal(long.MaxValue, heap.PeekTime);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void Removing_matching_events_must_return_them_in_order_and_leave_the_rest_in_order(ulong seed)
    {
        // arrange: 2,000 events at random times, every third of LP 5
        var heap = new EventHeap();
        var rng = new Random((int)seed);
        var all = new List<SimEvent>();
        for (var i = 0; i < 2000; i++)
        {
            var e = new SimEvent { Time = rng.Next(0, 500), Order = i, Lp = i % 3 == 0 ? 5 : 1 };
            all.Add(e);
            heap.Push(in e);
        }
        for (var i = 0; i < 100; i++) heap.Pop(out _);   // some popped first, so the heap has holes in its slab

        // act
        var taken = heap.RemoveWhere(e => e.Lp == 5);

        // assert
        var left = new List<SimEvent>();
        while (heap.Count > 0) { heap.Pop(out var e); left.Add(e); }
        var expected = all.OrderBy(e => e.Time).ThenBy(e => e.Order).Skip(100).ToList();
        Assert.Equal(expected.Where(e => e.Lp == 5).Select(e => e.Order), taken.Select(e => e.Order));
        Assert.Equal(expected.Where(e => e.Lp != 5).Select(e => e.Order), left.Select(e => e.Order));
    }
    [Theory]
    [InlineData(4UL)]
    [InlineData(5UL)]
    public void A_handler_that_schedules_while_reading_its_event_must_see_it_intact_and_the_next_LP_known(ulong seed)
    {
        // arrange: as the event loop does: pop, read the lent event, schedule 0-3 events at or after it (many at the same time),
        // with from 1 to ~70 events pending
        var rng = RandomStreams.Create(seed, 0, "heap-lent");
        var heap = new EventHeap();
        var oracle = new SortedSet<(long Time, long Order)>();
        var expected = new List<(long Time, long Order)>();
        var popped = new List<(long Time, long Order)>();
        long sequence = 0;
        void Schedule(long time)
        {
            var order = SimEvent.MakeOrder(rng.NextInt(4), sequence++);
            ref var e = ref heap.PushNew(time, order, LpOf(order));
            e.Kind = EventKind.Timer;
            e.Token = (int)time;
            oracle.Add((time, order));
        }
        for (var i = 0; i < 1 + (int)(seed * 13 % 70); i++) Schedule(rng.NextInt(50));

        // act
        var now = 0L;
        for (var step = 0; step < 30_000 && heap.Count > 0; step++)
        {
            expected.Add(oracle.Min);
            oracle.Remove(oracle.Min);
            var nextLp = heap.PeekLp;
            ref var e = ref heap.PopRef();
            Assert.Equal(LpOf(e.Order), e.Lp);
            Assert.Equal(nextLp, e.Lp);
            Assert.True(e.Time >= now, $"popped {e.Time} after {now}");
            now = e.Time;
            popped.Add((e.Time, e.Order));
            var pushes = heap.Count < 70 ? rng.NextInt(4) : rng.NextInt(2);
            for (var k = 0; k < pushes && step < 25_000; k++)
            {
                Schedule(now + rng.NextInt(3) * rng.NextInt(40));
                // the lent event is still readable, unchanged, after each push
                Assert.Equal((LpOf(e.Order), (int)e.Time), (e.Lp, e.Token));
            }
        }

        // assert: every pop took the least of what was pending then (an event scheduled at the lent one's time may come before
        // events pending since earlier), and everything was popped
        Assert.Equal(0, heap.Count);
        Assert.Equal(expected, popped);
    }

    [Theory]
    [InlineData(6UL)]
    [InlineData(7UL)]
    public void Events_due_soon_in_the_ring_and_beyond_must_pop_as_one_queue_and_show_one_after_the_next(ulong seed)
    {
        // arrange: events from the time of the last pop to several times the ring's reach, many at one time, so that the near and
        // far heaps and the ring all hold events, and the next one can be in any of them
        var rng = RandomStreams.Create(seed, 0, "heap-buckets");
        var heap = new EventHeap();
        var oracle = new SortedSet<(long Time, long Order)>();
        var expected = new List<(long Time, long Order)>();
        var popped = new List<(long Time, long Order)>();
        long sequence = 0, now = 0;
        var secondsRight = 0;
        void Schedule()
        {
            var time = now + rng.NextInt(5) switch
            {
                0 => 0,
                1 => rng.NextInt(16) * (EventHeap.FarPs / 8),
                2 => rng.NextInt(1000) * (EventHeap.BucketPs / 10),
                _ => rng.NextInt(1000) * (EventHeap.BucketPs * EventHeap.RingBuckets / 100),
            };
            var order = SimEvent.MakeOrder(rng.NextInt(4), sequence++);
            heap.PushNew(time, order, LpOf(order)).Token = (int)(order & 0xFFFF);
            oracle.Add((time, order));
        }

        for (var i = 0; i < 2_000; i++) Schedule(); // more later events than the far heap keeps: the ring holds some

        // act
        for (var step = 0; step < 20_000; step++)
        {
            if (oracle.Count == 0 || rng.NextInt(2) == 0)
            {
                Schedule();
                continue;
            }
            Assert.Equal(LpOf(oracle.Min.Order), heap.PeekLp);
            Assert.Equal(oracle.Min.Time, heap.PeekTime);
            if (oracle.Count > 1)
            {
                // a hint for a prefetch: another pending event, most often the next one
                ref var next = ref heap.PeekSecond(out var secondLp);
                Assert.Contains((next.Time, next.Order), oracle);
                Assert.NotEqual(oracle.Min, (next.Time, next.Order));
                Assert.Equal(LpOf(next.Order), secondLp);
                if ((next.Time, next.Order) == oracle.Skip(1).First()) secondsRight++;
            }
            expected.Add(oracle.Min);
            oracle.Remove(oracle.Min);
            ref var e = ref heap.PopRef();
            now = e.Time;
            popped.Add((e.Time, e.Order));
            Assert.Equal((int)(e.Order & 0xFFFF), e.Token);
        }
        var taken = heap.RemoveWhere(e => e.Lp % 2 == 0);

        // assert
        Assert.Equal(expected, popped);
        Assert.True(secondsRight > expected.Count / 2, $"the next but one was right {secondsRight} times in {expected.Count} pops");
        Assert.Equal(oracle.Where(k => LpOf(k.Order) % 2 == 0), taken.Select(e => (e.Time, e.Order)));
        var rest = new List<(long, long)>();
        while (heap.Count > 0) { heap.Pop(out var e); rest.Add((e.Time, e.Order)); }
        Assert.Equal(oracle.Where(k => LpOf(k.Order) % 2 != 0), rest);
    }

    private static int LpOf(long order) => (int)(order & 0xFFFF) ^ (int)(order >> SimEvent.SequenceBits);
}
