using Akka.Configuration;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// The Akka configuration that binds every <see cref="IDcSimMessage"/> to <see cref="DcSimSerializer"/>. It lives
/// with the serializer (as an Akka module ships its serializer bindings); the Runner composes it into a node's
/// cluster configuration, and tests use it alone.
/// </summary>
public static class DcSimSerialization
{
    public static Config Binding { get; } = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers.dcsim = "DcSim.SimCore.Cluster.DcSimSerializer, DcSim.Sim.Core"
          serialization-bindings { "DcSim.SimCore.Cluster.IDcSimMessage, DcSim.Sim.Core" = dcsim }
        }
        """);
}
