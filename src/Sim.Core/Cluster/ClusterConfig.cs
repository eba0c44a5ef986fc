using Akka.Configuration;

namespace DcSim.SimCore.Cluster;

/// <summary>The Akka configuration every DcSim node runs with (cluster on loopback, our serializer, large frames).</summary>
public static class ClusterConfig
{
    /// <summary>Remoting drops larger messages with only a log line (akka-stack.md, pitfall 1): batches stay far below.</summary>
    public const string MaximumFrameSize = "16MiB";

    public static Config Create(string hostname, int port, IEnumerable<string> seedNodes, string role = "sim") =>
        ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = ERROR
              stdout-loglevel = ERROR
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers.dcsim = "DcSim.SimCore.Cluster.DcSimSerializer, DcSim.Sim.Core"
                serialization-bindings { "DcSim.SimCore.Cluster.IDcSimMessage, DcSim.Sim.Core" = dcsim }
              }
              remote.dot-netty.tcp {
                hostname = "{{hostname}}"
                port = {{port}}
                maximum-frame-size = {{MaximumFrameSize}}
                send-buffer-size = 32MiB
                receive-buffer-size = 32MiB
                # The window protocol is a round trip per window: every message must leave at once,
                # not wait for 30 more writes to batch with.
                batching.enabled = false
              }
              cluster {
                seed-nodes = [{{string.Join(", ", seedNodes.Select(s => $"\"akka.tcp://dcsim@{s}\""))}}]
                roles = ["{{role}}"]
                min-nr-of-members = 1
                sharding {
                  # A region that asks before the coordinator is up retries after this long (default 2 s).
                  retry-interval = 200ms
                  state-store-mode = ddata
                  # Grants and batches go to the partition actors directly, so the shard never sees them
                  # busy: without this, sharding would stop every partition 2 minutes into a run.
                  passivate-idle-entity-after = off
                  remember-entities = off
                }
                downing-provider-class = ""
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.phases.cluster-exiting.timeout = 3s
            }
            """);
}
