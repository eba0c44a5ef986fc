using System.Reflection;
using System.Runtime.CompilerServices;

namespace DcSim.SimCore.Checkpoints;

/// <summary>Rebuilds a graph written by <see cref="ObjectGraphWriter"/> (see there for the format).</summary>
public sealed class ObjectGraphReader
{
    /// <summary>
    /// Stands for a delegate whose target, or a hash collection whose comparer, is still being read: a reference to it then would be a
    /// cycle the format cannot mend.
    /// </summary>
    private static readonly object Pending = new();

    private readonly BinaryReader _in;
    /// <summary>By id; null for an object a boundary token read back as null.</summary>
    private readonly List<object?> _objects = [];
    private readonly List<Type> _types = [];
    private readonly List<Action> _fills = [];

    private readonly Func<string, object?>? _resolve;

    private ObjectGraphReader(Stream input, Func<string, object?>? resolve)
    {
        _in = new BinaryReader(input);
        _resolve = resolve;
    }

    /// <summary>Reads the graph <see cref="ObjectGraphWriter.Write"/> wrote and returns its root.</summary>
    /// <param name="resolve">
    /// The object that stands for a boundary token (<see cref="EntityState.Load"/>); without it, a graph holding tokens is refused.
    /// </param>
    public static object Read(Stream input, Func<string, object?>? resolve = null)
    {
        var reader = new ObjectGraphReader(input, resolve);
        try
        {
            return DeepStack.Run(() =>
            {
                var root = reader.ReadReference() ?? throw new CheckpointException("the checkpoint holds no state");
                foreach (var fill in reader._fills) fill();
                return root;
            });
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidCastException or ArgumentException or FormatException
                                       or TypeLoadException or FileNotFoundException or MissingMethodException or TargetException)
        {
            throw new CheckpointException($"the checkpoint is damaged or was written by another build of DcSim: {ex.Message}", ex);
        }
    }

    internal int ReadCount()
    {
        var count = _in.Read7BitEncodedInt();
        return count >= 0 ? count : throw new CheckpointException($"the checkpoint is damaged: a negative count ({count})");
    }

    internal object? ReadValue(TypeLayout declared)
    {
        if (!declared.IsInline) return ReadReference();
        if (declared.Shape == TypeShape.Unmanaged) return declared.Raw!.Read(_in);
        if (declared.Shape == TypeShape.Nullable) return _in.ReadBoolean() ? ReadValue(declared.Element!) : null;
        var box = RuntimeHelpers.GetUninitializedObject(declared.Type);
        ReadFields(declared, box);
        return box;
    }

    /// <param name="allocated">
    /// Called with the object as soon as it exists, before its fields are read (a delegate is created from its target then, so that
    /// the target's own fields may refer to the delegate).
    /// </param>
    internal object? ReadReference(Action<object>? allocated = null)
    {
        switch (_in.ReadByte())
        {
            case ObjectGraphWriter.Null:
                return null;
            case ObjectGraphWriter.Seen:
                var id = _in.Read7BitEncodedInt();
                if (id < 0 || id >= _objects.Count) throw new CheckpointException($"the checkpoint is damaged: object {id} is referred to before it is written");
                var seen = _objects[id];
                if (ReferenceEquals(seen, Pending))
                    throw new CheckpointException("a delegate's target is reachable only through the delegate, or a collection from its comparer: the checkpoint cannot rebuild it");
                if (seen is not null) allocated?.Invoke(seen);
                return seen;
            case ObjectGraphWriter.New:
                return ReadNew(TypeLayout.For(ReadType()), allocated);
            case ObjectGraphWriter.Static:
                var declaring = ReadType();
                var token = _in.ReadInt32();
                var instance = declaring.Module.ResolveField(token)?.GetValue(null)
                               ?? throw new CheckpointException($"the checkpoint names a static field of {declaring} that this build leaves empty");
                Register(instance);
                allocated?.Invoke(instance);
                return instance;
            case ObjectGraphWriter.Boundary:
                var boundary = _in.ReadString();
                var resolved = boundary == EntityState.Drop ? null
                    : (_resolve ?? throw new CheckpointException($"the checkpoint holds boundary token '{boundary}' and nothing resolves it")).Invoke(boundary);
                _objects.Add(resolved);
                if (resolved is not null) allocated?.Invoke(resolved);
                return resolved;
            case ObjectGraphWriter.Rebuilt:
                // Its number comes before its recipe's, as the writer numbered them; nothing in the recipe may refer to it.
                var slot = _objects.Count;
                Register(Pending);
                var rebuild = ReadReference() as Delegate ?? throw new CheckpointException("the checkpoint is damaged: a rebuilt object without its function");
                var source = ReadReference() ?? throw new CheckpointException($"the checkpoint names {rebuild.Method.Name} without its source");
                var rebuilt = _objects[slot] = RebuiltOnRestore.Rebuild(rebuild, source);
                allocated?.Invoke(rebuilt);
                return rebuilt;
            case var tag:
                throw new CheckpointException($"the checkpoint is damaged: unknown object tag {tag}");
        }
    }

    private Type ReadType()
    {
        var id = _in.Read7BitEncodedInt();
        if (id < _types.Count && id >= 0) return _types[id];
        if (id != _types.Count) throw new CheckpointException($"the checkpoint is damaged: type {id} is used before it is named");
        var name = _in.ReadString();
        var type = Type.GetType(name, throwOnError: false) ?? throw new CheckpointException($"the checkpoint names a type this build does not have: {name}");
        _types.Add(type);
        return type;
    }

    private object? ReadNew(TypeLayout layout, Action<object>? allocated)
    {
        if (layout.Shape == TypeShape.Fields)
        {
            var value = Register(RuntimeHelpers.GetUninitializedObject(layout.Type));
            allocated?.Invoke(value);
            ReadFields(layout, value);
            return value;
        }
        var read = ReadOther(layout);
        if (read is not null) allocated?.Invoke(read);
        return read;
    }

    private object? ReadOther(TypeLayout layout)
    {
        switch (layout.Shape)
        {
            case TypeShape.Unmanaged: return Register(layout.Raw!.Read(_in));
            case TypeShape.String: return Register(_in.ReadString());
            case TypeShape.Type: return Register(ReadType());
            case TypeShape.Array: return ReadArray(layout);
            case TypeShape.Delegate: return ReadDelegate(layout.Type);
            case TypeShape.HashCollection:
                // The collection's slot comes before its comparer's, as the writer numbered them.
                var slot = _objects.Count;
                Register(Pending);
                var collection = layout.Hash!.Read(this, c => _objects[slot] = c, out var fill);
                _fills.Add(fill);
                return collection;
            default:
                throw new InvalidOperationException($"{layout.Shape} is read by ReadNew");
        }
    }

    private object Register(object value)
    {
        _objects.Add(value);
        return value;
    }

    private Array ReadArray(TypeLayout layout)
    {
        var element = layout.Element!;
        var lengths = new int[layout.Type.GetArrayRank()];
        for (var d = 0; d < lengths.Length; d++) lengths[d] = ReadCount();
        var array = (Array)Register(layout.Type.IsSZArray ? Array.CreateInstance(element.Type, lengths[0]) : Array.CreateInstance(element.Type, lengths));
        if (layout.RawArray is { } raw)
        {
            raw.Fill(_in, array);
            return array;
        }
        if (array is object?[] items)
        {
            for (var i = 0; i < items.Length; i++) items[i] = ReadReference();
            return array;
        }
        // Row-major, as the writer enumerated it: the last index turns fastest.
        var index = new int[lengths.Length];
        for (var n = 0; n < array.Length; n++)
        {
            array.SetValue(ReadValue(element), index);
            for (var d = index.Length - 1; d >= 0 && ++index[d] == lengths[d]; d--) index[d] = 0;
        }
        return array;
    }

    /// <summary>
    /// A delegate whose instance method's target was read back as null (a boundary dropped it, or resolved it to nothing) is an error:
    /// it could not be called, and a null in its place would fail far from the cause.
    /// </summary>
    private Delegate ReadDelegate(Type delegateType)
    {
        var slot = _objects.Count;
        Register(Pending);
        var declaring = ReadType();
        var token = _in.ReadInt32();
        var generic = new Type[ReadCount()];
        for (var i = 0; i < generic.Length; i++) generic[i] = ReadType();
        var method = declaring.Module.ResolveMethod(token) as MethodInfo
                     ?? throw new CheckpointException($"the checkpoint names a method of {declaring} this build does not have");
        if (declaring.IsConstructedGenericType) method = (MethodInfo)MethodBase.GetMethodFromHandle(method.MethodHandle, declaring.TypeHandle)!;
        if (generic.Length > 0) method = method.MakeGenericMethod(generic);
        // Created as soon as its target exists, before the target's fields are read: they may hold this very delegate.
        Delegate? d = null;
        var target = ReadReference(t => _objects[slot] = d = Delegate.CreateDelegate(delegateType, t, method));
        if (target is null)
            _objects[slot] = d = method.IsStatic ? Delegate.CreateDelegate(delegateType, method)
                : throw new CheckpointException($"a delegate to {declaring.Name}.{method.Name} lost its target at the boundary (dropped, or resolved to nothing)");
        return d!;
    }

    private void ReadFields(TypeLayout layout, object value)
    {
        foreach (var (field, fieldLayout) in layout.Fields) field.SetValue(value, ReadValue(fieldLayout));
    }
}
