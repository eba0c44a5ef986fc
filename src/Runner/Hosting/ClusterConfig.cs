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
                # A member whose process dies must be downed, so that sharding re-creates its partitions on the
                # survivors (a run restarts then: WindowCoordinator). keep-oldest keeps the side of the oldest member,
                # the first process, which holds the coordinator, the sharding coordinator and the client; with
                # down-if-alone off it stays when every worker is lost, so that the run can say so and fail cleanly
                # (keep-majority would keep a lone worker of a 2-member cluster half the time: lowest address wins).
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  keep-oldest.down-if-alone = off
                  # Decide once reachability has not changed for this long (default 20 s). A killed worker is
                  # unreachable ~4.5 s after its death and downed ~3 s later (docs/recovery.md has the figures).
                  # A live worker is downed only if its heartbeats stop for the pause and this together (6 s and
                  # more): at load averages of 6 to 37 on 2 cores no healthy member was marked unreachable.
                  stable-after = 3s
                }
                # After the removal sharding waits this long before re-creating the shards elsewhere (it would be
                # stable-after again), so that a downed side's persistent entities stop first. Partitions persist
                # nothing, and what a zombie partition still sends carries an old run number and is dropped.
                down-removal-margin = 1s
                failure-detector {
                  # Default 3 s. Heartbeats are handled on Akka's internal dispatcher, not behind the partitions'
                  # long windows, so a busy worker still answers them.
                  acceptable-heartbeat-pause = 3s
                }
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.phases.cluster-exiting.timeout = 3s
            }
            """).WithFallback(Local(log)).WithFallback(DcSimSerialization.Binding);

    /// <summary>
    /// An ActorSystem that joins nothing (provider local, no remoting), with the log kept off the console: a one-process run's
    /// (<see cref="SimNode.StartLocal"/>), a journal's, and what <see cref="Create"/> puts the cluster on.
    /// </summary>
    public static Config Local(AkkaLog log) =>
        ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              # Before the log actor starts and after it stops Akka prints to stdout: nothing of that on the console.
              stdout-loglevel = OFF
              loggers = ["{{typeof(AkkaLogWriter).AssemblyQualifiedName}}"]
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
            }
            dcsim.akka-log-file = "{{(log.File ?? "").Replace("\\", "\\\\")}}"
            """);
}
