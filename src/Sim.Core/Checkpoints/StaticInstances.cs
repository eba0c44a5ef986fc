using System.Reflection;

namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// The objects DcSim's own <c>static readonly</c> fields hold (flow-field descriptors, shared empty tables, the compiler's lambda
/// caches). A checkpoint refers to them by field instead of copying them: model code may compare them by reference (an OpenFlow
/// action's field against <c>F.VlanTci</c>), which a copy would silently break after a restore.
/// </summary>
internal static class StaticInstances
{
    private static readonly object Gate = new();
    private static Dictionary<object, FieldInfo> _byObject = new(ReferenceEqualityComparer.Instance);
    private static int _assemblies = -1;

    /// <summary>
    /// The objects, by identity, with a field that holds each. Built on first use, and again when another DcSim assembly has been
    /// loaded since: ask once per checkpoint, not per object (listing the assemblies costs more than writing most objects).
    /// </summary>
    public static IReadOnlyDictionary<object, FieldInfo> Table()
    {
        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Where(IsDcSim).ToList();
        if (assemblies.Count == Volatile.Read(ref _assemblies)) return _byObject;
        lock (Gate)
        {
            if (assemblies.Count == _assemblies) return _byObject;
            var table = new Dictionary<object, FieldInfo>(ReferenceEqualityComparer.Instance);
            foreach (var type in assemblies.OrderBy(a => a.FullName, StringComparer.Ordinal).SelectMany(Types))
            {
                if (type.ContainsGenericParameters) continue;
                foreach (var f in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                             .OrderBy(f => f.MetadataToken))
                {
                    if (!f.IsInitOnly || f.FieldType.IsValueType) continue;
                    if (f.GetValue(null) is { } value and not string) table.TryAdd(value, f);
                }
            }
            _byObject = table;
            Volatile.Write(ref _assemblies, assemblies.Count);
            return table;
        }
    }

    public static bool IsDcSim(Assembly a) => a.GetName().Name?.StartsWith("DcSim.", StringComparison.Ordinal) == true;

    private static IEnumerable<Type> Types(Assembly a)
    {
        try
        {
            return a.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.Where(t => t is not null)!;
        }
    }
}
