using System.Reflection;

namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// Writes everything reachable from a root object — the state of a partition: its LPs, their components, event heap,
/// random streams, statistics — as a compact binary graph that <see cref="ObjectGraphReader"/> rebuilds in any process
/// running the same build: shared objects stay shared, cycles stay cycles, unmanaged arrays (event slabs, histogram
/// buckets) are copied as blocks.
/// </summary>
/// <remarks>
/// The codec is generic (reflection over fields, cached per type) rather than a hand-written save method per model class: a
/// new component is checkpointed without code, and a field nobody remembered to save cannot be forgotten. What it refuses
/// (<see cref="TypeLayout"/>): operating-system resources, threads, reflection metadata and actor-system objects, none of
/// which belong in model state. Format: per object a tag (null, back-reference, new, static field, boundary, rebuilt), then for a
/// new one its type (an index into a table written on first use, with the assembly-qualified name and the module's version id)
/// and its content; for a boundary, the token the caller's boundary gave it (<see cref="EntityState"/>); for a rebuilt one, its
/// function and source (<see cref="RebuiltOnRestore"/>).
/// </remarks>
public sealed class ObjectGraphWriter
{
    internal const byte Null = 0, Seen = 1, New = 2, Static = 3, Boundary = 4, Rebuilt = 5;

    private readonly BinaryWriter _out;
    private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Type, int> _types = [];
    /// <summary>Where the writer is (fields, or a delegate's target): named only when something cannot be written.</summary>
    private readonly Stack<object> _where = new();
    private readonly SortedDictionary<string, Guid> _modules = new(StringComparer.Ordinal);

    private readonly IReadOnlyDictionary<object, FieldInfo> _statics = StaticInstances.Table();
    private readonly Func<object, string?>? _boundary;

    private ObjectGraphWriter(Stream output, Func<object, string?>? boundary)
    {
        _out = new BinaryWriter(output);
        _boundary = boundary;
    }

    /// <summary>Objects written: a measure of the state's size besides its bytes.</summary>
    public int Objects => _ids.Count;

    /// <summary>Writes the graph of <paramref name="root"/> to <paramref name="output"/>; returns the number of objects.</summary>
    public static int Write(object root, Stream output) => Write(root, output, out _);

    /// <summary>As <see cref="Write(object, Stream)"/>; <paramref name="modules"/> are DcSim's modules whose types it holds, with their version ids.</summary>
    /// <param name="boundary">
    /// Where the graph stops (<see cref="EntityState.Save"/>): called for every object but the root before it is written, it returns
    /// null to write the object, or a token to write instead of it.
    /// </param>
    public static int Write(object root, Stream output, out IReadOnlyDictionary<string, Guid> modules, Func<object, string?>? boundary = null)
    {
        var writer = new ObjectGraphWriter(output, boundary);
        DeepStack.Run(() =>
        {
            try
            {
                writer.WriteReference(root);
            }
            catch (CheckpointException ex)
            {
                throw new CheckpointException($"{ex.Message} (reached through {writer.Where()})", ex);
            }
            return 0;
        });
        writer._out.Flush();
        modules = writer._modules;
        return writer.Objects;
    }

    private string Where() => _where.Count == 0 ? "the root" : string.Join(".", _where.Reverse().Select(w => w is FieldInfo f ? $"{f.DeclaringType?.Name}.{f.Name}" : w));

    internal void WriteCount(int count) => _out.Write7BitEncodedInt(count);

    /// <summary>A value of the declared type: inline for a struct, a reference otherwise.</summary>
    internal void WriteValue(TypeLayout declared, object? value)
    {
        if (!declared.IsInline)
        {
            WriteReference(value);
            return;
        }
        switch (declared.Shape)
        {
            case TypeShape.Unmanaged:
                declared.Raw!.Write(_out, value!);
                break;
            case TypeShape.Nullable:
                _out.Write(value is not null);
                if (value is not null) WriteValue(declared.Element!, value);
                break;
            case TypeShape.Refused:
                throw new CheckpointException(declared.Refusal!);
            default:
                WriteFields(declared, value!);
                break;
        }
    }

    internal void WriteReference(object? value)
    {
        if (value is null)
        {
            _out.Write(Null);
            return;
        }
        if (_ids.TryGetValue(value, out var id))
        {
            _out.Write(Seen);
            _out.Write7BitEncodedInt(id);
            return;
        }
        // The root is the first object: it is never cut off.
        var token = _boundary is not null && _ids.Count > 0 ? TokenFor(value) : null;
        _ids.Add(value, _ids.Count);
        if (token is not null)
        {
            _out.Write(Boundary);
            _out.Write(token);
            return;
        }
        if (RebuiltOnRestore.Of(value) is { } recipe)
        {
            _out.Write(Rebuilt);
            WriteReference(recipe.Rebuild);
            WriteReference(recipe.Source);
            return;
        }
        if (_statics.TryGetValue(value, out var field))
        {
            _out.Write(Static);
            WriteType(field.DeclaringType!);
            _out.Write(field.MetadataToken);
            return;
        }
        _out.Write(New);
        var type = value.GetType();
        WriteType(type);
        WriteContent(TypeLayout.For(type), value);
    }

    private string? TokenFor(object value)
    {
        try
        {
            return _boundary!(value);
        }
        catch (Exception ex)
        {
            throw new CheckpointException($"the boundary failed on a {value.GetType().Name}: {ex.Message}", ex);
        }
    }

    private void WriteType(Type type)
    {
        if (_types.TryGetValue(type, out var id))
        {
            _out.Write7BitEncodedInt(id);
            return;
        }
        id = _types.Count;
        _types.Add(type, id);
        _out.Write7BitEncodedInt(id);
        _out.Write(type.AssemblyQualifiedName ?? throw new CheckpointException($"the type {type} has no name to restore it by"));
        foreach (var t in (Type[])[type, .. type.IsGenericType ? type.GetGenericArguments() : []])
            if (StaticInstances.IsDcSim(t.Assembly)) _modules.TryAdd(t.Module.Name, t.Module.ModuleVersionId);
    }

    private void WriteContent(TypeLayout layout, object value)
    {
        switch (layout.Shape)
        {
            case TypeShape.Unmanaged: layout.Raw!.Write(_out, value); break;
            case TypeShape.String: _out.Write((string)value); break;
            case TypeShape.Type: WriteType((Type)value); break;
            case TypeShape.Array: WriteArray(layout, (Array)value); break;
            case TypeShape.Delegate: WriteDelegate((Delegate)value); break;
            case TypeShape.HashCollection: layout.Hash!.Write(this, value); break;
            case TypeShape.Refused: throw new CheckpointException(layout.Refusal!);
            default: WriteFields(layout, value); break;
        }
    }

    /// <summary>The lengths (one per dimension), then the elements in row-major order.</summary>
    private void WriteArray(TypeLayout layout, Array array)
    {
        for (var d = 0; d < array.Rank; d++)
        {
            if (array.GetLowerBound(d) != 0) throw new CheckpointException($"an array with a lower bound other than 0 ({array.GetType()}) cannot be checkpointed");
            _out.Write7BitEncodedInt(array.GetLength(d));
        }
        if (layout.RawArray is { } raw)
        {
            raw.Write(_out, array);
            return;
        }
        var element = layout.Element!;
        if (array is object?[] references)
        {
            foreach (var item in references) WriteReference(item);
            return;
        }
        foreach (var item in array) WriteValue(element, item);
    }

    private void WriteDelegate(Delegate d)
    {
        if (d.HasSingleTarget is false)
            throw new CheckpointException($"a multicast delegate ({d.GetType().Name}) cannot be checkpointed");
        var method = d.Method;
        WriteType(method.DeclaringType ?? throw new CheckpointException($"the method of a {d.GetType().Name} has no declaring type"));
        _out.Write(method.MetadataToken);
        var generic = method.IsGenericMethod ? method.GetGenericArguments() : [];
        _out.Write7BitEncodedInt(generic.Length);
        foreach (var t in generic) WriteType(t);
        _where.Push($"{method.Name}.Target");
        WriteReference(d.Target);
        _where.Pop();
    }

    private void WriteFields(TypeLayout layout, object value)
    {
        foreach (var (field, fieldLayout) in layout.Fields)
        {
            _where.Push(field);
            WriteValue(fieldLayout, field.GetValue(value));
            _where.Pop();
        }
    }
}
