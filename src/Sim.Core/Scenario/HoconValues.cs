using Akka.Configuration.Hocon;

namespace DcSim.SimCore.Scenario;

public enum HoconKind { Empty, Scalar, Object, List }

/// <summary>
/// Safe questions about Akka's <see cref="HoconValue"/>: its own IsArray() is false for "[]", "[ ]" yields a
/// phantom empty element, and a concatenation such as "10 Gbps" is several literals; this hides all that.
/// </summary>
public static class HoconValues
{
    public static HoconKind KindOf(HoconValue value)
    {
        if (value.Values.Count == 0) return HoconKind.Empty;
        // Literals first: Akka's IsObject and IsArray cost microseconds each, which a 100,000-element list feels.
        if (value.Values.All(v => v is HoconLiteral)) return HoconKind.Scalar;
        if (value.IsObject()) return HoconKind.Object;
        if (value.Values[0] is HoconArray || value.IsArray()) return HoconKind.List;
        return HoconKind.Scalar;
    }

    /// <summary>The elements of a list, without the phantom empty ones.</summary>
    public static IReadOnlyList<HoconValue> Elements(HoconValue list) =>
        list.GetArray().Where(e => e.Values.Count > 0).ToList();

    /// <summary>The text of a simple value ("" for null); concatenations are joined as written.</summary>
    public static string Text(HoconValue scalar) => scalar.GetString() ?? "";

    /// <summary>How a value is shown in messages: 'text', "a list" or "an object".</summary>
    public static string Describe(HoconValue value) => KindOf(value) switch
    {
        HoconKind.Scalar => $"'{Text(value)}'",
        HoconKind.List => "a list [...]",
        HoconKind.Object => "an object {...}",
        _ => "no value",
    };
}
