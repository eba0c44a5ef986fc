using Akka.Configuration;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>How a partition's windows reach its peers in other processes (<see cref="DataChannelSettings.Key"/>).</summary>
public enum DataChannelKind
{
    /// <summary>A TCP connection (NoDelay) from each process to each other one, carrying framed windows (<see cref="DataChannel"/>).</summary>
    Socket,

    /// <summary>Akka.Remote, as every other message of the run: a Tell to the peer's actor.</summary>
    Akka,
}

/// <summary>
/// The process's data channel setting, read once per actor system from its configuration. The default sits here, with the
/// channel (as an Akka module's reference.conf does); the environment variable DCSIM_DATA_CHANNEL sets it for a command
/// line (`dcsim bench`, whose worker processes inherit it), so that both paths can be run side by side.
/// </summary>
public static class DataChannelSettings
{
    public const string Key = "dcsim.kernel.data-channel";

    public const string EnvironmentVariable = "DCSIM_DATA_CHANNEL";

    public const string WaitKey = "dcsim.kernel.data-channel-wait";

    public const string WaitEnvironmentVariable = "DCSIM_DATA_CHANNEL_WAIT";

    public static Config Defaults { get; } = ConfigurationFactory.ParseString($$"""
        # socket | akka: how windows cross to partitions in other processes (docs/kernel.md, "Windows across processes").
        {{Key}} = socket
        # How long a partition waits on its own thread for its peers' words, reading their sockets itself (polling up to 50 us,
        # then blocked in poll), before it returns to its mailbox; 0: at once, a reader thread then reads every word and it comes
        # through the mailbox (two thread wake-ups per crossing). 1 ms: blocked, the wait costs no CPU (docs/benchmarks.md).
        {{WaitKey}} = 1ms
        """);

    /// <summary>The wait setting: the configuration's, else the environment's (a HOCON duration), else the default.</summary>
    public static TimeSpan ReadWait(Config config)
    {
        var source = config.HasPath(WaitKey) ? config
            : Environment.GetEnvironmentVariable(WaitEnvironmentVariable) is { Length: > 0 } set ? ConfigurationFactory.ParseString($"{WaitKey} = {set}")
            : Defaults;
        var wait = TimeSpan.MinValue;
        try
        {
            wait = source.GetTimeSpan(WaitKey, null, allowInfinite: false);
        }
        catch (FormatException)
        {
            // not a duration: said below
        }
        return wait >= TimeSpan.Zero ? wait
            : throw new ConfigurationException($"{WaitKey} (or {WaitEnvironmentVariable}): expected a duration of 0 or more (1ms), got '{source.GetString(WaitKey)}'");
    }

    /// <summary>The setting: the configuration's, else the environment's, else the default.</summary>
    public static DataChannelKind Read(Config config) => (config.HasPath(Key) ? config.GetString(Key)
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } set ? set : Defaults.GetString(Key)) switch
    {
        "socket" => DataChannelKind.Socket,
        "akka" => DataChannelKind.Akka,
        var other => throw new ConfigurationException($"{Key} (or {EnvironmentVariable}): expected socket or akka, got '{other}'"),
    };
}
