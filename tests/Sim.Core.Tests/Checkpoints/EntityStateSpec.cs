using DcSim.SimCore.Checkpoints;
using Xunit;

namespace DcSim.SimCore.Tests.Checkpoints;

/// <summary>An entity's state cut at a boundary: what lies beyond it is written as a token and bound again to the reader's own objects.</summary>
public sealed class EntityStateSpec
{
    /// <summary>Stands for what stays behind (the server an entity lived on): never copied, only named.</summary>
    private sealed class Host(string name)
    {
        public string Name { get; } = name;
        public int Calls;

        public int Serve(int x)
        {
            Calls++;
            return x + Name.Length;
        }
    }

    private sealed class Inner
    {
        public int Value;
    }

    private sealed class Holder
    {
        public int Value;
        public Host? First;
        public Host? Second;
        public Inner? Inner;
        public object? Scratch;
        public Dictionary<string, Host?> ByName = [];
        public Dictionary<Host, int> Weights = [];
        public List<Host?> Hosts = [];
        public Func<int, int>? Call;
        public Action? Bump;

        public void Increment() => Value++;
    }

    private static readonly Host Source = new("source"), Destination = new("destination-host");
    private static readonly object Cache = new();

    /// <summary>The hosts by token at each end, the scratch object dropped: the boundary a guest's move draws.</summary>
    private static string? Boundary(object o) => o switch
    {
        Host h => h.Name,
        _ when ReferenceEquals(o, Cache) => EntityState.Drop,
        _ => null,
    };

    private static Holder Sample()
    {
        var h = new Holder { Value = 5, First = Source, Second = Source, Inner = new Inner { Value = 9 }, Scratch = Cache };
        h.ByName["a"] = Source;
        h.ByName["b"] = null;
        h.Weights[Source] = 3;
        h.Hosts.Add(Source);
        h.Hosts.Add(Source);
        h.Call = Source.Serve;
        return h;
    }

    [Fact]
    public void An_object_behind_a_token_must_be_the_one_resolved_everywhere_it_was_referred_to()
    {
        // arrange
        var resolved = new List<string>();

        // act
        var copy = (Holder)EntityState.Load(EntityState.Save(Sample(), Boundary), token =>
        {
            resolved.Add(token);
            return token == "source" ? Destination : null;
        });

        // assert: resolved once, and every field, list element, dictionary key and value is that one object
        Assert.Equal(["source"], resolved);
        Assert.Same(Destination, copy.First);
        Assert.Same(Destination, copy.Second);
        Assert.Same(Destination, copy.ByName["a"]);
        Assert.Null(copy.ByName["b"]);
        Assert.Equal(3, copy.Weights[Destination]);
        Assert.Equal([Destination, Destination], copy.Hosts);
        Assert.Equal(9, copy.Inner!.Value);
        Assert.Equal(5, copy.Value);
    }

    [Fact]
    public void A_dropped_object_must_read_back_as_null_without_asking_the_resolver()
    {
        var copy = (Holder)EntityState.Load(EntityState.Save(Sample(), Boundary), token => token == "source" ? Destination : throw new InvalidOperationException(token));

        Assert.Null(copy.Scratch);
    }

    [Fact]
    public void A_delegate_bound_to_a_token_must_be_bound_to_the_resolved_object()
    {
        // arrange
        var before = Destination.Calls;

        // act
        var copy = (Holder)EntityState.Load(EntityState.Save(Sample(), Boundary), _ => Destination);

        // assert: "destination-host" has 16 characters
        Assert.Equal(2 + 16, copy.Call!(2));
        Assert.Equal(before + 1, Destination.Calls);
    }

    [Fact]
    public void A_delegate_whose_target_is_dropped_or_resolves_to_nothing_must_be_refused_on_reading()
    {
        // arrange: one delegate on a dropped host, one on a host the reader does not know
        var h = new Holder { Call = new Host("dropped").Serve };
        var unknown = new Holder { Call = new Host("unknown").Serve };

        // act
        var dropped = Assert.Throws<CheckpointException>(() => EntityState.Load(EntityState.Save(h, o => o is Host ? EntityState.Drop : null), _ => Destination));
        var unresolved = Assert.Throws<CheckpointException>(() => EntityState.Load(EntityState.Save(unknown, Boundary), _ => null));

        // assert
        Assert.Contains("a delegate to Host.Serve lost its target at the boundary", dropped.Message);
        Assert.Contains("a delegate to Host.Serve lost its target at the boundary", unresolved.Message);
    }

    [Fact]
    public void A_delegate_on_an_object_that_travels_must_stay_bound_to_its_copy()
    {
        var h = new Holder();
        h.Bump = h.Increment;

        var copy = (Holder)EntityState.Load(EntityState.Save(h, Boundary), _ => Destination);
        copy.Bump!();

        Assert.Equal(1, copy.Value);
        Assert.Equal(0, h.Value);
    }

    [Fact]
    public void A_dictionary_key_that_is_dropped_must_be_refused_on_reading()
    {
        var h = new Holder();
        h.Weights[Source] = 1;
        h.Weights[Destination] = 2;

        var e = Assert.Throws<CheckpointException>(() =>
            EntityState.Load(EntityState.Save(h, o => ReferenceEquals(o, Source) ? EntityState.Drop : Boundary(o)), _ => Destination));

        Assert.Contains("was dropped at the boundary", e.Message);
    }

    [Fact]
    public void A_boundary_that_throws_must_be_reported_with_the_field_the_object_was_reached_through()
    {
        var h = Sample();

        var e = Assert.Throws<CheckpointException>(() =>
            EntityState.Save(h, o => o is Inner ? throw new InvalidOperationException("no rule for this part") : Boundary(o)));

        Assert.Contains("no rule for this part", e.Message);
        Assert.Contains("Holder.Inner", e.Message);
    }

    [Fact]
    public void Damaged_state_and_a_partition_checkpoint_must_be_refused_with_a_checkpoint_error()
    {
        var bytes = EntityState.Save(Sample(), Boundary);

        Assert.Throws<CheckpointException>(() => EntityState.Load(bytes[..^4], _ => Destination));
        Assert.Throws<CheckpointException>(() => EntityState.Load([1, 2, 3], _ => Destination));
        var partition = PartitionCheckpoint.Save(new DcSim.SimCore.Kernel.Partition(0, 1, [0]));
        var e = Assert.Throws<CheckpointException>(() => EntityState.Load(partition, _ => Destination));
        Assert.Contains("not a DcSim entity state", e.Message);
    }

    [Fact]
    public void State_read_back_must_write_the_same_bytes_again()
    {
        // a dropped object reads back as null, which is then written as null: this graph drops nothing
        var sample = Sample();
        sample.Scratch = new Inner { Value = 1 };
        var bytes = EntityState.Save(sample, Boundary);

        var copy = EntityState.Load(bytes, token => token == "source" ? Source : null);

        Assert.Equal(bytes, EntityState.Save(copy, Boundary));
    }
}
