using System.Globalization;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>OpenFlow port numbers, including the reserved ports, and their names as OVS prints them.</summary>
public static class OfPort
{
    public const uint InPort = 0xfff8, Table = 0xfff9, Normal = 0xfffa, Flood = 0xfffb, All = 0xfffc,
        Controller = 0xfffd, Local = 0xfffe, None = 0xffff;

    private static readonly (string Name, uint Port)[] Reserved =
    [
        ("IN_PORT", InPort), ("TABLE", Table), ("NORMAL", Normal), ("FLOOD", Flood), ("ALL", All),
        ("CONTROLLER", Controller), ("LOCAL", Local), ("ANY", None), ("NONE", None),   // OVS prints 0xffff as ANY
    ];

    /// <summary>Parses a port number (decimal or 0x hex) or a reserved name (case-insensitive).</summary>
    public static bool TryParse(string s, out uint port)
    {
        foreach (var (name, p) in Reserved)
        {
            if (string.Equals(s, name, StringComparison.OrdinalIgnoreCase)) { port = p; return true; }
        }
        if (NumberParser.TryParseUInt(s, out var v) && v <= 0xffff) { port = (uint)v; return true; }
        port = 0;
        return false;
    }

    /// <summary>A port as OVS's <c>ofputil_format_port</c> prints it.</summary>
    public static string Format(uint port)
    {
        foreach (var (name, p) in Reserved) if (p == port) return name;
        return port.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Integer parsing as OVS's flow syntax accepts it: decimal, or hexadecimal with a 0x prefix.</summary>
internal static class NumberParser
{
    public static bool TryParseUInt(string s, out ulong value)
    {
        value = 0;
        if (s.Length == 0) return false;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return s.Length > 2 && ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        foreach (var c in s) if (c is < '0' or > '9') return false;
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
