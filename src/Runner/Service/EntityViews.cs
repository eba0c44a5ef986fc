using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Metrics;
using Microsoft.AspNetCore.Http;

namespace DcSim.Runner.Service;

/// <summary>
/// How the counters of a run (a snapshot between windows, or the final results) are shown over HTTP: servers with their components,
/// VMs and containers, and any component by path. Whatever components the model gives a server appear without code here.
/// </summary>
internal static class EntityViews
{
    /// <summary>An answer: a status and either a body or, for an error, the problem's detail.</summary>
    public sealed record Answered(int Status, Dictionary<string, object>? Body, string? Problem = null);

    /// <summary>Every server, or the one named <paramref name="name"/> (404 when there is none).</summary>
    public static Answered Servers(SortedDictionary<string, ComponentCounters> all, string? name)
    {
        var servers = all.Values.Where(c => c.Kind == "server" && (name is null || c.Path == name)).Select(c => RenderServer(c, all)).ToList();
        return name is not null && servers.Count == 0
            ? new Answered(StatusCodes.Status404NotFound, null, $"no server named '{name}'")
            : new Answered(StatusCodes.Status200OK, new Dictionary<string, object> { ["servers"] = servers });
    }

    /// <summary>
    /// The component at <paramref name="path"/> and every component under it, by path with its kind and counters, and the listings
    /// of those that keep tables when asked for (404 when there is none).
    /// </summary>
    public static Answered Entities(SortedDictionary<string, ComponentCounters> all, string path,
        SortedDictionary<string, SortedDictionary<string, Listing>>? listings = null)
    {
        path = path.TrimEnd('/');
        var prefix = path + "/";
        var components = all.Values.Where(c => c.Path == path || c.Path.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(c => c.Path, c => (object)Component(c, listings?.GetValueOrDefault(c.Path)), StringComparer.Ordinal);
        return components.Count == 0
            ? new Answered(StatusCodes.Status404NotFound, null, $"no entity or component at path '{path}'")
            : new Answered(StatusCodes.Status200OK, new Dictionary<string, object> { ["path"] = path, ["components"] = components });
    }

    /// <summary>A component's kind and counters, and its listings: each with the time it was taken at, how many lines it has in all, and how many of them were left out.</summary>
    private static Dictionary<string, object> Component(ComponentCounters c, SortedDictionary<string, Listing>? listings)
    {
        var json = new Dictionary<string, object> { ["kind"] = c.Kind, ["counters"] = c.Values };
        if (listings is not null)
            json["listings"] = listings.ToDictionary(l => l.Key, l => (object)new Dictionary<string, object>
            {
                ["at_ps"] = l.Value.AtPs,
                ["total"] = l.Value.Total,
                ["left_out"] = l.Value.Total - l.Value.Lines.Count,
                ["lines"] = l.Value.Lines,
            }, StringComparer.Ordinal);
        return json;
    }

    /// <summary>
    /// A server's counters; under their names within the server ("vswitch", "nic0", "kvm-0/stack", ...), the counters of
    /// each of its components, so that whatever components a server has appear without code here; and under "entities"
    /// its VMs and containers: name, path, kind, state, start-up time and their components' names.
    /// </summary>
    private static Dictionary<string, object> RenderServer(ComponentCounters server, SortedDictionary<string, ComponentCounters> all)
    {
        var json = new Dictionary<string, object>(StringComparer.Ordinal) { ["name"] = server.Path };
        foreach (var (counter, value) in server.Values) json[counter] = value;
        var prefix = server.Path + "/";
        var mine = all.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        foreach (var (path, component) in mine) json[path[prefix.Length..]] = component.Values;
        json["entities"] = mine.Select(kv => kv.Value).Where(c => c.Kind is "vm" or "container").Select(stack =>
        {
            var entity = EndpointResults.EntityPath(stack.Path);
            return new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["name"] = entity[(entity.LastIndexOf('/') + 1)..],
                ["path"] = entity,
                ["kind"] = stack.Kind,
                ["endpoint"] = stack[EndpointResults.Endpoint],
                ["state"] = EndpointResults.StateName(stack[EndpointResults.State]),
                ["startup_ps"] = stack[EndpointResults.StartupPs],
                ["components"] = mine.Where(kv => kv.Key.StartsWith(entity + "/", StringComparison.Ordinal)).Select(kv => kv.Key[(entity.Length + 1)..]).ToList(),
            };
        }).ToList();
        return json;
    }

    /// <summary>
    /// Every link direction by its port (FROM-&gt;TO): what it sent, how long it was busy and its queue so far (the queue integrals
    /// up to the snapshot's time, so mean occupancy is queue_packet_ps over simulated_time_ps).
    /// </summary>
    public static Answered Links(ResultsBuilder results)
    {
        var links = results.Links.Values.OrderBy(l => l.From, StringComparer.Ordinal).ThenBy(l => l.To, StringComparer.Ordinal)
            .Select(l => (object)new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["from"] = l.From,
                ["to"] = l.To,
                ["rate_bps"] = l.RateBps,
                ["tx_packets"] = l.TxPackets,
                ["tx_wire_bytes"] = l.TxWireBytes,
                ["busy_ps"] = l.BusyPs,
                ["queue_packet_ps"] = (double)l.QueuePacketPs,
                ["queue_max_packets"] = l.QueueMaxPackets,
                ["queue_max_bytes"] = l.QueueMaxBytes,
                ["dropped_packets"] = l.DroppedPackets,
                ["ecn_marked_packets"] = l.EcnMarkedPackets,
            }).ToList();
        return new Answered(StatusCodes.Status200OK, new Dictionary<string, object> { ["links"] = links });
    }
}
