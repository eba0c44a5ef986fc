using System.Globalization;

namespace DcSim.Runner.Commands;

/// <summary>Checks the HOST:PORT form of cluster addresses given on the command line.</summary>
internal static class HostPort
{
    public static bool IsValid(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535;
    }
}
