using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// How endpoint stacks report: each stack — a server's own ("host3/stack"), a VM's ("host3/kvm-0/stack"), a container's
/// ("host7/docker-nat-0/stack") — writes named counters under its path. <see cref="Rows"/> reads them back with the drops of
/// the flows each endpoint sent and the latency of the flows it received (their histograms merged per destination).
/// </summary>
public static class EndpointResults
{
    /// <summary>The component kinds of the stacks of a server's own kernel, a VM's guest kernel, and a container.</summary>
    public const string HostStackKind = "host-stack", VmStackKind = "vm", ContainerStackKind = "container";

    /// <summary>The stacks' component kinds, and what the result files call them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        [HostStackKind] = "host",
        [VmStackKind] = "vm",
        [ContainerStackKind] = "container",
    };

    public const string Endpoint = "endpoint";
    /// <summary>The lifecycle state (<see cref="EndpointState"/>) when the counters were written.</summary>
    public const string State = "state";
    /// <summary>Creation to running (boot or container start), 0 for a server's own stack, -1 while not started.</summary>
    public const string StartupPs = "startup_ps";
    /// <summary>Packets that reached the endpoint while it was not running, dropped at "PATH:down".</summary>
    public const string DroppedDown = "dropped_down";
    public const string PacketsSent = "packets_sent";
    public const string BytesSent = "bytes_sent";
    public const string PacketsDelivered = "packets_delivered";
    public const string BytesDelivered = "bytes_delivered";

    /// <summary>The file and query name of a state.</summary>
    public static string StateName(long state) => (EndpointState)state switch
    {
        EndpointState.NotCreated => "not-created",
        EndpointState.Starting => "starting",
        EndpointState.Running => "running",
        _ => "stopped",
    };

    /// <summary>The entity a stack belongs to: its path without "/stack" ("host3/kvm-0"; "host3" for the server's own).</summary>
    public static string EntityPath(string stackPath) =>
        stackPath.EndsWith("/stack", StringComparison.Ordinal) ? stackPath[..^"/stack".Length] : stackPath;

    /// <summary>
    /// How many endpoints of each kind ("host", "vm", "container") each server holds, from the stacks' paths alone: what servers.csv
    /// counts, without the flows' drops and latencies that <see cref="Rows"/> merges for every endpoint.
    /// </summary>
    public static Dictionary<(string Server, string Kind), int> CountsByServer(ResultsBuilder results)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var c in results.Components.Values)
        {
            if (!Kinds.TryGetValue(c.Kind, out var kind)) continue;
            var key = (EntityPath(c.Path).Split('/')[0], kind);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>One row per endpoint stack, ordered by endpoint id (servers first, then VMs and containers in plan order).</summary>
    public static IEnumerable<EndpointRow> Rows(ResultsBuilder results)
    {
        var sent = new Dictionary<int, (long Packets, SortedDictionary<string, long> At)>();
        foreach (var f in results.Flows.Values)
        {
            if (f.DroppedPackets == 0) continue;
            if (!sent.TryGetValue(f.Source, out var d)) d = (0, new SortedDictionary<string, long>(StringComparer.Ordinal));
            foreach (var (where, n) in f.Drops) d.At[where] = d.At.GetValueOrDefault(where) + n;
            sent[f.Source] = (d.Packets + f.DroppedPackets, d.At);
        }
        // What an endpoint received is what the flows to it delivered: their histograms, merged per destination here
        // rather than sent twice from every partition.
        var latency = new Dictionary<int, LatencyHistogram>();
        foreach (var f in results.Flows.Values)
        {
            if (f.Latency is null || f.Destination < 0) continue;
            if (!latency.TryGetValue(f.Destination, out var h)) latency[f.Destination] = h = new LatencyHistogram(2);
            h.Add(f.Latency);
        }
        return results.Components.Values.Where(c => Kinds.ContainsKey(c.Kind))
            .Select(c =>
            {
                var id = (int)c[Endpoint];
                var entity = EntityPath(c.Path);
                var drops = sent.GetValueOrDefault(id, (0, new SortedDictionary<string, long>()));
                return new EndpointRow(id, entity, entity[(entity.LastIndexOf('/') + 1)..], Kinds[c.Kind], entity.Split('/')[0], StateName(c[State]),
                    c[StartupPs], c[PacketsSent], c[BytesSent], c[PacketsDelivered], c[BytesDelivered], drops.Packets, c[DroppedDown], drops.At,
                    latency.GetValueOrDefault(id) ?? new LatencyHistogram(2));
            })
            .OrderBy(r => r.Endpoint);
    }
}

/// <summary>
/// One endpoint's results: its entity's path and name, kind ("host", "vm", "container"), server, state, start-up time, what
/// it sent and received, the drops of the flows it sent (in total and by place), the packets dropped because it was
/// down, and the one-way latency of the packets it received.
/// </summary>
public sealed record EndpointRow(int Endpoint, string Path, string Name, string Kind, string Server, string State, long StartupPs,
    long PacketsSent, long BytesSent, long PacketsDelivered, long BytesDelivered, long DroppedSent, long DroppedDown,
    IReadOnlyDictionary<string, long> DropsAt, LatencyHistogram Latency);
