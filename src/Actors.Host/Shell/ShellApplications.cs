namespace DcSim.ActorsHost.Shell;

/// <summary>
/// Where the shell's applications live in the model's number spaces: their application numbers in flow ids (the last two of the
/// generators' lower half, which the scenario reader keeps free), the echo service ping asks, and the port iperf's sink listens on.
/// </summary>
internal static class ShellApplications
{
    /// <summary>The flow-id application of ping's requests (their echoes take 128 + this, as responses do).</summary>
    public const int Ping = 126;

    /// <summary>The flow-id application of iperf's connections.</summary>
    public const int Iperf = 127;

    /// <summary>The UDP echo service (RFC 862) that answers ping: every endpoint's request/response server does.</summary>
    public const ushort EchoPort = 7;

    /// <summary>Where iperf's sink listens on every endpoint (iperf3's default port).</summary>
    public const ushort IperfPort = 5201;

    /// <summary>The source port of an endpoint's first ping; each next one takes the next port.</summary>
    public const int FirstPingPort = 40_000;

    public const string PingKind = "shell-ping";
    public const string IperfKind = "shell-iperf";

    /// <summary>The component path of a directive's counters: on the server it started from ("host0/shell/ping-3").</summary>
    public static string PathOf(string server, string verb, long id) => $"{server}/shell/{verb}-{id}";
}
