using DcSim.SimCore.Checkpoints;
using Xunit;

namespace DcSim.SimCore.Tests.Checkpoints;

/// <summary>The object graph codec on the shapes model state takes: sharing, cycles, delegates, hash collections, nullables, arrays.</summary>
public sealed class ObjectGraphSpec
{
    private sealed class Node
    {
        public int Value;
        public Node? Next;
        public readonly List<Node> Children = [];
        public Action? OnTick;
        public Func<int, int>? Scale;
        public int Ticks;

        public void Tick() => Ticks += Value;
    }

    private sealed class StreamHolder
    {
        public Stream? Log = null;
    }

    private sealed class Bag
    {
        public Dictionary<string, int> ByName = [];
        public Dictionary<(int, long), string> ByPair = [];
        public HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase);
        public int? Maybe;
        public int? Nothing = null;
        public long[,] Grid = new long[2, 3];
        public (int A, string B)[] Pairs = [];
        public object? Boxed;
        public string[] Shared = [];
    }

    /// <summary>A static instance model code may compare by reference (as OpenFlow actions do with flow-field descriptors).</summary>
    private static readonly Node Sentinel = new() { Value = -1 };

    private static T RoundTrip<T>(T root) where T : class
    {
        var stream = new MemoryStream();
        ObjectGraphWriter.Write(root, stream);
        stream.Position = 0;
        return (T)ObjectGraphReader.Read(stream);
    }

    [Fact]
    public void Cycles_and_shared_objects_must_stay_as_they_were()
    {
        var a = new Node { Value = 1 };
        var b = new Node { Value = 2, Next = a };
        a.Next = b;
        a.Children.Add(b);
        a.Children.Add(b);

        var copy = RoundTrip(a);

        Assert.NotSame(a, copy);
        Assert.Same(copy, copy.Next!.Next);
        Assert.Same(copy.Next, copy.Children[0]);
        Assert.Same(copy.Children[0], copy.Children[1]);
        Assert.Equal(2, copy.Next.Value);
    }

    [Fact]
    public void A_delegate_held_by_its_own_target_must_be_rebuilt_bound_to_the_copy()
    {
        // a method group on the holder itself, and a closure that captures the holder
        var n = new Node { Value = 3 };
        n.OnTick = n.Tick;
        var factor = 7;
        n.Scale = x => x * factor + n.Value;

        var copy = RoundTrip(n);
        copy.OnTick!();
        copy.OnTick();

        Assert.Equal(6, copy.Ticks);
        Assert.Equal(0, n.Ticks);
        Assert.Equal(2 * 7 + 3, copy.Scale!(2));
        copy.Value = 10;
        Assert.Equal(2 * 7 + 10, copy.Scale(2));
    }

    [Fact]
    public void A_delegate_reached_before_its_target_must_be_the_one_its_target_holds()
    {
        // the delegate is met first (the list's first item), its target is new, and the target's field holds the delegate
        var n = new Node { Value = 2 };
        Action tick = n.Tick;
        n.OnTick = tick;
        var root = new List<object> { tick, n };

        var copy = RoundTrip(root);
        var node = (Node)copy[1];
        ((Action)copy[0])();

        Assert.Same(copy[0], node.OnTick);
        Assert.Equal(2, node.Ticks);
    }

    [Fact]
    public void Hash_collections_nullables_and_arrays_must_keep_their_contents_and_order()
    {
        var shared = "shared";
        var bag = new Bag
        {
            ByName = new() { ["b"] = 2, ["a"] = 1, ["c"] = 3 },
            ByPair = new() { [(1, 2L)] = "x", [(3, 4L)] = "y" },
            Maybe = 5,
            Boxed = 42L,
            Pairs = [(1, "one"), (2, shared)],
            Shared = [shared, shared],
        };
        bag.ByName.Remove("a");
        bag.ByName["d"] = 4;
        bag.Names.Add("Alpha");
        bag.Grid[1, 2] = 12;
        bag.Grid[0, 1] = 1;

        var copy = RoundTrip(bag);

        Assert.Equal(bag.ByName.ToList(), copy.ByName.ToList());
        Assert.Equal("y", copy.ByPair[(3, 4L)]);
        Assert.Contains("ALPHA", copy.Names);   // the custom comparer came along
        Assert.Equal((5, (int?)null), (copy.Maybe, copy.Nothing));
        Assert.Equal(12, copy.Grid[1, 2]);
        Assert.Equal(1, copy.Grid[0, 1]);
        Assert.Equal(42L, copy.Boxed);
        Assert.Equal("one", copy.Pairs[0].B);
        Assert.Same(copy.Shared[0], copy.Shared[1]);
        Assert.Same(copy.Shared[0], copy.Pairs[1].B);
    }

    [Fact]
    public void A_static_readonly_instance_must_be_the_same_instance_after_a_restore()
    {
        var n = new Node { Value = 1, Next = Sentinel };
        n.Children.Add(Sentinel);

        var copy = RoundTrip(n);

        Assert.Same(Sentinel, copy.Next);
        Assert.Same(Sentinel, copy.Children[0]);
    }

    [Fact]
    public void A_chain_of_a_hundred_thousand_objects_must_round_trip()
    {
        // each link costs the codec a few stack frames: a default 1 MB stack overflows at about 20,000
        var chain = new LinkedList<long>();
        for (var i = 0; i < 100_000; i++) chain.AddLast(i);

        var copy = RoundTrip(chain);

        Assert.Equal(100_000, copy.Count);
        Assert.Equal(99_999, copy.Last!.Value);
        Assert.Equal(4_999_950_000, copy.Sum());
    }

    [Fact]
    public void What_a_model_must_not_hold_must_be_refused_naming_where_it_is()
    {
        var n = new Node { Value = 1, OnTick = () => new MemoryStream().Flush() };
        var holder = new Bag { Boxed = new MemoryStream() };
        ObjectGraphWriter.Write(new StreamHolder(), Stream.Null);   // a field that could hold one, but holds none, is no problem

        var e = Assert.Throws<CheckpointException>(() => ObjectGraphWriter.Write(holder, Stream.Null));

        Assert.Contains("MemoryStream cannot be checkpointed: it holds an operating-system resource", e.Message);
        Assert.Contains("reached through Bag.Boxed", e.Message);
        ObjectGraphWriter.Write(n, Stream.Null);   // a lambda that creates one when called holds none
    }

    private struct Handle
    {
        public int Kind;
        public nint Address;
    }

    [Fact]
    public void State_held_through_GC_handles_or_native_addresses_must_be_refused_naming_where_it_is()
    {
        // A copied weak table would free its entries' GC handles twice, corrupting the heap: it must never be written.
        var table = new System.Runtime.CompilerServices.ConditionalWeakTable<object, int[]>();
        table.Add(new object(), [1]);
        var weak = Assert.Throws<CheckpointException>(() => ObjectGraphWriter.Write(new Bag { Boxed = table }, Stream.Null));
        Assert.Contains("ConditionalWeakTable`2", weak.Message);
        Assert.Contains("GC handles", weak.Message);
        Assert.Contains("reached through Bag.Boxed", weak.Message);

        var inline = Assert.Throws<CheckpointException>(() => ObjectGraphWriter.Write(new Bag { Boxed = new[] { new Handle { Kind = 1, Address = 42 } } }, Stream.Null));
        Assert.Contains("Handle cannot be checkpointed: it holds a native address or handle", inline.Message);
        Assert.Throws<CheckpointException>(() => ObjectGraphWriter.Write(new Bag { Boxed = (nint)5 }, Stream.Null));
        Assert.Throws<CheckpointException>(() => ObjectGraphWriter.Write(new Bag { Boxed = new WeakReference(table) }, Stream.Null));
    }

    [Fact]
    public void A_damaged_checkpoint_must_be_refused_with_a_checkpoint_error()
    {
        var stream = new MemoryStream();
        ObjectGraphWriter.Write(new Node { Value = 1, Next = new Node() }, stream);
        var bytes = stream.ToArray()[..^3];

        Assert.Throws<CheckpointException>(() => ObjectGraphReader.Read(new MemoryStream(bytes)));
        Assert.Throws<CheckpointException>(() => ObjectGraphReader.Read(new MemoryStream([9, 9, 9])));
    }
    /// <summary>A big read-only table derived from small settings, as a fabric's routes are from its topology.</summary>
    private sealed class Table(int[] entries)
    {
        public readonly int[] Entries = entries;

        public static Table Of(Node settings) => new(Enumerable.Range(0, settings.Value).ToArray());
    }

    private sealed class Holder
    {
        public Node? Settings;
        public Table? First;
        public Table? Second;
    }

    [Fact]
    public void A_registered_read_only_object_must_be_written_as_its_recipe_and_rebuilt_shared_on_reading()
    {
        // arrange: two holders of one table of 100,000 entries, registered as made from its settings
        var settings = new Node { Value = 100_000 };
        var table = RebuiltOnRestore.Register(Table.Of(settings), settings, Table.Of);
        var holder = new Holder { Settings = settings, First = table, Second = table };
        var plain = new MemoryStream();
        ObjectGraphWriter.Write(new Holder { Settings = settings, First = Table.Of(settings) }, plain);

        // act
        var stream = new MemoryStream();
        ObjectGraphWriter.Write(holder, stream);
        stream.Position = 0;
        var copy = (Holder)ObjectGraphReader.Read(stream);
        var again = new MemoryStream();
        ObjectGraphWriter.Write(copy, again);

        // assert: the table's 400 KB are not in the graph, come back from the restored settings, shared, and stay a recipe
        Assert.True(plain.Length > 400_000, $"{plain.Length} B");
        Assert.True(stream.Length < 4_000, $"{stream.Length} B");
        Assert.Same(copy.First, copy.Second);
        Assert.Equal(table.Entries, copy.First!.Entries);
        Assert.Equal(stream.Length, again.Length);
    }
}
