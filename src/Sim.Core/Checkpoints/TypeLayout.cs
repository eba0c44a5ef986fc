using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DcSim.SimCore.Checkpoints;

/// <summary>How the object graph codec stores a type: as raw bytes, field by field, or by a dedicated rule.</summary>
internal enum TypeShape
{
    /// <summary>A <see cref="Nullable{T}"/>: whether it has a value, then the value (boxing turns it into null or the value itself).</summary>
    Nullable,
    /// <summary>A struct without references (primitives, enums, packets, events): its bytes as they lie in memory.</summary>
    Unmanaged,
    String,
    Type,
    Array,
    Delegate,
    /// <summary>A hash-based collection: its entries, re-added on restore (hash codes may differ from process to process).</summary>
    HashCollection,
    /// <summary>Any other class or struct: its instance fields, base type first.</summary>
    Fields,
    /// <summary>A type the model must not hold (<see cref="TypeLayout.Refusal"/>): an error when a value of it is met, not when a field merely could hold one.</summary>
    Refused,
}

/// <summary>What the codec knows about one type, computed once per process and type.</summary>
internal sealed class TypeLayout
{
    private static readonly ConcurrentDictionary<Type, TypeLayout> Cache = new();

    private TypeLayout(Type type)
    {
        Type = type;
        Shape = ShapeOf(type, out var refusal);
        Refusal = refusal;
        if (Shape == TypeShape.Unmanaged) Raw = (IRawCodec)Activator.CreateInstance(typeof(RawCodec<>).MakeGenericType(type))!;
        if (Shape == TypeShape.Nullable) Element = For(Nullable.GetUnderlyingType(type)!);
        if (Shape == TypeShape.Array)
        {
            var element = type.GetElementType()!;
            Element = For(element);
            if (Element.Shape == TypeShape.Unmanaged) RawArray = (IRawArrayCodec)Activator.CreateInstance(typeof(RawArrayCodec<>).MakeGenericType(element))!;
        }
        if (Shape == TypeShape.HashCollection) Hash = HashCollectionCodec.For(type);
    }

    public Type Type { get; }
    public TypeShape Shape { get; }
    public string? Refusal { get; }
    public IRawCodec? Raw { get; }
    public IRawArrayCodec? RawArray { get; }
    public TypeLayout? Element { get; }
    public IHashCollectionCodec? Hash { get; }
    /// <summary>The instance fields with their types' layouts; worked out on first use, as a type may hold itself (a list node, an LP and its partition).</summary>
    public (FieldInfo Field, TypeLayout Layout)[] Fields => _fields ??= InstanceFields(Type).Select(f => (f, For(f.FieldType))).ToArray();

    private (FieldInfo Field, TypeLayout Layout)[]? _fields;

    /// <summary>A value of this type is stored inline (not as a reference to a shared object).</summary>
    public bool IsInline => Type.IsValueType;

    public static TypeLayout For(Type type) => Cache.TryGetValue(type, out var layout) ? layout : Cache.GetOrAdd(type, new TypeLayout(type));

    private static TypeShape ShapeOf(Type type, out string? refusal)
    {
        refusal = null;
        if (type.IsPointer || type.IsByRef || type.IsByRefLike)
            throw new CheckpointException($"a {type} cannot be checkpointed (a pointer or a by-ref type)");
        if (Nullable.GetUnderlyingType(type) is not null) return TypeShape.Nullable;
        if (type.IsValueType && !IsReferenceOrContainsReferences(type))
        {
            if (!HoldsNativeInteger(type)) return TypeShape.Unmanaged;
            // A native integer in the model is an address or a handle (a GC handle in a weak table's entries): copied into another
            // object it means nothing, and a copied GC handle is freed twice, which corrupts the heap.
            refusal = $"a {type} cannot be checkpointed: it holds a native address or handle";
            return TypeShape.Refused;
        }
        if (type == typeof(string)) return TypeShape.String;
        if (typeof(Type).IsAssignableFrom(type)) return TypeShape.Type;
        if (type.IsArray) return TypeShape.Array;
        if (typeof(Delegate).IsAssignableFrom(type)) return TypeShape.Delegate;
        if (HashCollectionCodec.Handles(type)) return TypeShape.HashCollection;
        if (Refused(type) is { } why)
        {
            refusal = $"a {type} cannot be checkpointed: {why}";
            return TypeShape.Refused;
        }
        return TypeShape.Fields;
    }

    /// <summary>Types whose state is not theirs to copy: the model must not hold them in a partition.</summary>
    private static string? Refused(Type type)
    {
        if (typeof(Stream).IsAssignableFrom(type) || typeof(SafeHandle).IsAssignableFrom(type)) return "it holds an operating-system resource";
        if (typeof(Thread).IsAssignableFrom(type) || typeof(Task).IsAssignableFrom(type)) return "it is a thread or a task";
        if (typeof(MemberInfo).IsAssignableFrom(type)) return "it is reflection metadata";
        if (WeaklyHeld.Any(n => type.FullName?.StartsWith(n, StringComparison.Ordinal) == true))
            return "it holds its entries through GC handles, which a copy would free twice (keep it out of the model's state)";
        if (type.FullName?.StartsWith("Akka.", StringComparison.Ordinal) == true) return "it belongs to the actor system, not to the model";
        if (HashedByName.Any(n => type.FullName?.StartsWith(n, StringComparison.Ordinal) == true))
            return "its buckets hold hash codes that differ from process to process (use Dictionary or HashSet)";
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && HashCollectionCodec.Handles(t)) return $"it derives from {t.Name}, whose entries are re-added on restore";
        return null;
    }

    /// <summary>Hash-based collections other than the two the codec re-fills (<see cref="HashCollectionCodec"/>).</summary>
    private static readonly string[] HashedByName =
    [
        "System.Collections.Hashtable", "System.Collections.Concurrent.ConcurrentDictionary`", "System.Collections.Immutable.ImmutableDictionary`",
        "System.Collections.Immutable.ImmutableHashSet`", "System.Collections.Frozen.", "System.Collections.Generic.OrderedDictionary`",
        "System.Linq.Lookup`",
    ];

    /// <summary>Types that hold GC handles: refused by name, so that the error names them rather than an entry deep inside.</summary>
    private static readonly string[] WeaklyHeld =
        ["System.Runtime.CompilerServices.ConditionalWeakTable`", "System.WeakReference", "System.Runtime.InteropServices.GCHandle"];

    /// <summary>Whether an unmanaged value type is, or has a field (at any depth) that is, a native integer or a pointer.</summary>
    private static bool HoldsNativeInteger(Type type) =>
        type == typeof(IntPtr) || type == typeof(UIntPtr) || type.IsPointer || type.IsFunctionPointer
        || (!type.IsPrimitive && !type.IsEnum && InstanceFields(type).Any(f => HoldsNativeInteger(f.FieldType)));

    private static bool IsReferenceOrContainsReferences(Type type) =>
        (bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(type).Invoke(null, null)!;

    /// <summary>Every instance field, the base type's first, each type's in metadata order: the same order in every process.</summary>
    private static IEnumerable<FieldInfo> InstanceFields(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        return chain.SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .OrderBy(f => f.MetadataToken));
    }
}

/// <summary>Raw bytes of an unmanaged value, boxed.</summary>
internal interface IRawCodec
{
    void Write(BinaryWriter writer, object value);
    object Read(BinaryReader reader);
}

internal sealed class RawCodec<T> : IRawCodec where T : struct
{
    public void Write(BinaryWriter writer, object value)
    {
        var v = (T)value;
        writer.Write(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref v, 1)));
    }

    public object Read(BinaryReader reader)
    {
        T v = default;
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref v, 1)));
        return v;
    }
}

/// <summary>An array of unmanaged elements as one block of bytes (an event heap's slab, a histogram's buckets).</summary>
internal interface IRawArrayCodec
{
    void Write(BinaryWriter writer, Array array);

    /// <summary>Reads the elements of <paramref name="array"/>, created with its length: the reader is at its bytes.</summary>
    void Fill(BinaryReader reader, Array array);
}

internal sealed class RawArrayCodec<T> : IRawArrayCodec where T : struct
{
    public void Write(BinaryWriter writer, Array array) => writer.Write(Bytes(array));

    public void Fill(BinaryReader reader, Array array) => reader.BaseStream.ReadExactly(Bytes(array));

    /// <summary>The elements' memory, whatever the array's rank: a multi-dimensional array is stored row-major, in one block.</summary>
    private static Span<byte> Bytes(Array array) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked(array.Length * Unsafe.SizeOf<T>()));
}
