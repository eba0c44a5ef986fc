using System.Globalization;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>Servers of an explicit topology are host0 .. host{n-1}, as on every fabric, so generators and VMs name them as always.</summary>
public static class ExplicitNames
{
    public const string ServerPrefix = "host";

    /// <summary>True when <paramref name="name"/> is host{i} with i &lt; <paramref name="servers"/> (no leading zeros).</summary>
    public static bool TryServer(string name, int servers, out int server)
    {
        server = -1;
        if (!IsServerLike(name)) return false;
        return int.TryParse(name.AsSpan(ServerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out server) && server < servers;
    }

    /// <summary>True when one end of a link is a server.</summary>
    public static bool JoinsServer(string a, string b, int servers) => TryServer(a, servers, out _) || TryServer(b, servers, out _);

    /// <summary>host followed by digits: a server's name whether or not such a server exists.</summary>
    public static bool IsServerLike(string name) =>
        name.Length > ServerPrefix.Length && name.StartsWith(ServerPrefix, StringComparison.Ordinal)
        && name.AsSpan(ServerPrefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
        && (name.Length == ServerPrefix.Length + 1 || name[ServerPrefix.Length] != '0');
}
