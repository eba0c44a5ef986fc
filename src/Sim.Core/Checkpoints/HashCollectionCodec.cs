namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// Dictionaries and hash sets are stored as their comparer and entries, in enumeration order, and filled again once the
/// whole graph is read: their buckets hold hash codes, and a key's hash code may differ from one process to another
/// (strings, <see cref="HashCode"/>), or be unknown until the key's own fields are read (a cycle).
/// </summary>
/// <remarks>
/// Re-adding the entries in enumeration order keeps that order; what it does not keep is where a later insertion lands
/// after removals (the free slots are not recreated). The model never lets a result depend on a hash collection's order
/// (DESIGN §1), and the checkpoint tests compare whole result files to prove it for the scenarios they run.
/// </remarks>
internal interface IHashCollectionCodec
{
    void Write(ObjectGraphWriter writer, object collection);

    /// <summary>Creates the empty collection and reads its entries; <paramref name="fill"/> adds them, once the graph is complete.</summary>
    object Read(ObjectGraphReader reader, Action<object> register, out Action fill);
}

internal static class HashCollectionCodec
{
    public static bool Handles(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Dictionary<,>) || type.GetGenericTypeDefinition() == typeof(HashSet<>));

    public static IHashCollectionCodec For(Type type)
    {
        var args = type.GetGenericArguments();
        var codec = type.GetGenericTypeDefinition() == typeof(Dictionary<,>)
            ? typeof(DictionaryCodec<,>).MakeGenericType(args)
            : typeof(HashSetCodec<>).MakeGenericType(args);
        return (IHashCollectionCodec)Activator.CreateInstance(codec)!;
    }

    /// <summary>The default comparer is written as null: it is the runtime's choice in each process.</summary>
    public static object? Custom<T>(IEqualityComparer<T> comparer) => ReferenceEquals(comparer, EqualityComparer<T>.Default) ? null : comparer;
}

internal sealed class DictionaryCodec<TKey, TValue> : IHashCollectionCodec where TKey : notnull
{
    // Looked up on first use, not in a static initialiser: a refusal there would surface as a TypeInitializationException.
    private TypeLayout Key => field ??= TypeLayout.For(typeof(TKey));
    private TypeLayout Value => field ??= TypeLayout.For(typeof(TValue));

    public void Write(ObjectGraphWriter writer, object collection)
    {
        var d = (Dictionary<TKey, TValue>)collection;
        writer.WriteReference(HashCollectionCodec.Custom(d.Comparer));
        writer.WriteCount(d.Count);
        foreach (var (k, v) in d)
        {
            writer.WriteValue(Key, k);
            writer.WriteValue(Value, v);
        }
    }

    public object Read(ObjectGraphReader reader, Action<object> register, out Action fill)
    {
        var comparer = (IEqualityComparer<TKey>?)reader.ReadReference();
        var d = new Dictionary<TKey, TValue>(comparer);
        register(d);
        var count = reader.ReadCount();
        var entries = new (object? Key, object? Value)[count];
        for (var i = 0; i < count; i++) entries[i] = (reader.ReadValue(Key), reader.ReadValue(Value));
        fill = () =>
        {
            d.EnsureCapacity(count);
            // A key is null only when a boundary dropped it (EntityState): losing the entry silently would change what the model finds.
            foreach (var (k, v) in entries)
                d.Add(k is null ? throw new CheckpointException($"a key of a Dictionary<{typeof(TKey).Name}, {typeof(TValue).Name}> was dropped at the boundary") : (TKey)k, (TValue)v!);
        };
        return d;
    }
}

internal sealed class HashSetCodec<T> : IHashCollectionCodec
{
    private TypeLayout Element => field ??= TypeLayout.For(typeof(T));

    public void Write(ObjectGraphWriter writer, object collection)
    {
        var s = (HashSet<T>)collection;
        writer.WriteReference(HashCollectionCodec.Custom(s.Comparer));
        writer.WriteCount(s.Count);
        foreach (var e in s) writer.WriteValue(Element, e);
    }

    public object Read(ObjectGraphReader reader, Action<object> register, out Action fill)
    {
        var comparer = (IEqualityComparer<T>?)reader.ReadReference();
        var s = new HashSet<T>(comparer);
        register(s);
        var count = reader.ReadCount();
        var elements = new object?[count];
        for (var i = 0; i < count; i++) elements[i] = reader.ReadValue(Element);
        fill = () =>
        {
            s.EnsureCapacity(count);
            foreach (var e in elements) s.Add((T)e!);
        };
        return s;
    }
}
