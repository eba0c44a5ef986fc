using Akka.Configuration;
using DcSim.SimCore.Cluster;

namespace DcSim.Runner.Hosting;

/// <summary>The Akka configuration every DcSim node runs with (cluster on loopback, our serializer, large frames, log kept off the console).</summary>
internal static class ClusterConfig
{
    /// <summary>Remoting drops larger messages with only a log line (akka-stack.md, pitfall 1): batches stay far below.</summary>
    public const string MaximumFrameSize = "16MiB";

    public static Config Create(string hostname, int port, IEnumerable<string> seedNodes, AkkaLog log, string role = "sim") =>
        ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              # Before the log actor starts and after it stops Akka prints to stdout: nothing of that on the console.
              stdout-loglevel = OFF
              loggers = ["{{typeof(AkkaLogWriter).AssemblyQualifiedName}}"]
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor.provider = cluster
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
            dcsim.akka-log-file = "{{(log.File ?? "").Replace("\\", "\\\\")}}"
            """).WithFallback(DcSimSerialization.Binding);
}
