using System.Reflection;
using System.Runtime.CompilerServices;

namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// Read-only objects derived from settings (a fabric's graph and routes from its topology) that a checkpoint names by their recipe
/// instead of copying: they are as big as the datacenter, not model state, and the same in every process that reads the settings.
/// A registered object is written as its rebuilding function and its source (the settings, written as usual); reading calls the
/// function on the restored source and registers the result again, so a restored partition checkpoints the same way.
/// </summary>
public static class RebuiltOnRestore
{
    internal sealed record Recipe(Delegate Rebuild, object Source);

    private static readonly ConditionalWeakTable<object, Recipe> Recipes = new();

    /// <summary>
    /// Checkpoints refer to <paramref name="value"/> as <paramref name="rebuild"/>(<paramref name="source"/>) from now on; returns it.
    /// The source must not reach the value (it is read before the value exists) nor hold a Dictionary or HashSet (those are filled
    /// only once the whole graph is read).
    /// </summary>
    public static T Register<TSource, T>(T value, TSource source, Func<TSource, T> rebuild) where TSource : class where T : class
    {
        Recipes.AddOrUpdate(value, new Recipe(rebuild, source));
        return value;
    }

    internal static Recipe? Of(object value) => Recipes.TryGetValue(value, out var recipe) ? recipe : null;

    /// <summary>Calls a recipe read from a checkpoint and registers what it made.</summary>
    internal static object Rebuild(Delegate rebuild, object source)
    {
        object? value;
        try
        {
            value = rebuild.DynamicInvoke(source);
        }
        catch (TargetInvocationException ex)
        {
            throw new CheckpointException($"{rebuild.Method.Name} could not rebuild from its {source.GetType().Name}: {ex.InnerException?.Message}", ex);
        }
        if (value is null) throw new CheckpointException($"{rebuild.Method.Name} rebuilt nothing from its {source.GetType().Name}");
        Recipes.AddOrUpdate(value, new Recipe(rebuild, source));
        return value;
    }
}
