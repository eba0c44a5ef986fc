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

    public static Config Defaults { get; } = ConfigurationFactory.ParseString($$"""
        # socket | akka: how windows cross to partitions in other processes (docs/kernel.md, "Windows across processes").
        {{Key}} = socket
        """);

    /// <summary>The setting: the configuration's, else the environment's, else the default.</summary>
    public static DataChannelKind Read(Config config) => (config.HasPath(Key) ? config.GetString(Key)
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } set ? set : Defaults.GetString(Key)) switch
    {
        "socket" => DataChannelKind.Socket,
        "akka" => DataChannelKind.Akka,
        var other => throw new ConfigurationException($"{Key} (or {EnvironmentVariable}): expected socket or akka, got '{other}'"),
    };
}
