using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// A scenario text's HOCON tree as the loader sees it (the text <see cref="HoconScanner"/> hands to Akka), for tools
/// that rewrite a scenario, such as `dcsim sweep` replacing one element of a list.
/// </summary>
public static class ScenarioHoconTree
{
    /// <summary>
    /// The text as the loader hands it to Akka's parser (which does not take all the HOCON the loader accepts), for readers of
    /// keys outside the model; null when the text is not well-formed.
    /// </summary>
    public static string? AkkaText(string text) => HoconScanner.Scan(text) is { SyntaxError: null } positions ? positions.Text : null;

    /// <summary>The root object; null when the text is not well-formed (loading it reports why, with its line).</summary>
    public static HoconObject? Parse(string text)
    {
        var positions = HoconScanner.Scan(text);
        if (positions.SyntaxError is not null) return null;
        try
        {
            var root = ConfigurationFactory.ParseString(positions.Text).Root;
            return root is not null && HoconValues.KindOf(root) == HoconKind.Object ? root.GetObject() : new HoconObject();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }
}
