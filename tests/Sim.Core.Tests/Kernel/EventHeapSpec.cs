using DcSim.SimCore.Kernel;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>The heap against an oracle: a sorted set of (time, order).</summary>
public sealed class EventHeapSpec
{
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
}
