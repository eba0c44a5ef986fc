using DcSim.SimCore.Scenario;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// Reads and checks an explicit topology (topology.kind = explicit): <c>switches = [ names ]</c>, <c>servers = N</c> (named
/// host0 .. host{N-1}) and <c>links = [ { a, b, rate, delay, queue } ]</c>, each link completed from
/// dcsim.topology-link-defaults. Names are unique, every link joins two known, different ends, once; a server has exactly
/// one link, to a switch; every switch has a link and every server reaches every other. A link's queue is read last
/// (<see cref="ExplicitDraft.Complete"/>), once the largest frame any generator sends is known.
/// </summary>
public static class ExplicitTopologyReader
{
    public const string LinkDefaultsPath = "dcsim.topology-link-defaults";
    private const string Example = "{ a = sw0, b = host0, rate = 10Gbps, delay = 1us }";

    public static ExplicitDraft? Read(ScenarioSection topology, ScenarioReadContext context)
    {
        var switches = ReadSwitches(topology);
        var serversOk = topology.TryInt("servers", 2, ScenarioTopologyReader.MaxHosts, out var servers);
        if (switches is null || !serversOk) return null;
        var (list, fromFile) = topology.Get("links");
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            topology.Report("links", fromFile, $"expected a list of links [ {Example} ], found {HoconValues.Describe(list)}");
            return null;
        }
        var index = switches.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var elements = HoconValues.Elements(list);
        var links = new List<ExplicitDraft.Link>();
        var linkOfServer = new int[servers];
        Array.Fill(linkOfServer, -1);
        var seen = new Dictionary<(string, string), int>();
        var ok = true;
        for (var i = 0; i < elements.Count; i++)
        {
            var path = $"{topology.PathOf("links")}[{i}]";
            if (HoconValues.KindOf(elements[i]) != HoconKind.Object)
            {
                context.Diagnostics.Report(path, $"expected a link {Example}, found {HoconValues.Describe(elements[i])}");
                ok = false;
                continue;
            }
            var s = context.ListElement(path, elements[i].GetObject(), LinkDefaultsPath);
            var a = End(s, "a", servers, index);
            var b = End(s, "b", servers, index);
            var link = Required(s, "rate") & Required(s, "delay") ? ScenarioTopologyReader.ReadLink(s) : null;
            if (a is null || b is null || link is null) { ok = false; continue; }
            if (!CheckPair(s, a, b, servers, i, seen, linkOfServer)) { ok = false; continue; }
            links.Add(new ExplicitDraft.Link(a, b, link, s.Get("queue").FromFile ? s.Child("queue") : null));
        }
        if (!ok) return null;
        return Connected(topology, switches, servers, links, linkOfServer) ? new ExplicitDraft(switches, servers, links) : null;
    }

    private static List<string>? ReadSwitches(ScenarioSection topology)
    {
        var (list, fromFile) = topology.Get("switches");
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            topology.Report("switches", fromFile, $"expected a list of switch names [ sw0, sw1 ], found {HoconValues.Describe(list)}");
            return null;
        }
        var elements = HoconValues.Elements(list);
        var names = new List<string>();
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var ok = topology.Check(elements.Count > 0, "switches", fromFile, "an explicit topology needs at least one switch");
        for (var i = 0; i < elements.Count; i++)
        {
            var key = $"switches[{i}]";
            var name = HoconValues.KindOf(elements[i]) == HoconKind.Scalar ? HoconValues.Text(elements[i]).Trim() : "";
            if (!topology.Check(IsName(name), key, true,
                    $"expected a switch name of letters, digits, '-' and '_', found {HoconValues.Describe(elements[i])}")
                || !topology.Check(!ExplicitNames.IsServerLike(name), key, true,
                    $"'{name}' is a server's name (servers are host0 .. host{{servers - 1}}); name switches otherwise")
                || !topology.Check(!first.TryGetValue(name, out var earlier), key, true, $"duplicate switch name '{name}' (also switches[{earlier}])"))
            {
                ok = false;
                continue;
            }
            first[name] = i;
            names.Add(name);
        }
        return ok ? names : null;
    }

    private static bool IsName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && name[0] != '-';

    private static bool Required(ScenarioSection s, string key) =>
        s.Check(s.Get(key).FromFile, key, true, $"missing: every link needs a, b, rate and delay, as in {Example}");

    /// <summary>An end of a link: a switch's name or host{i} with i &lt; servers; null after reporting.</summary>
    private static string? End(ScenarioSection s, string key, int servers, Dictionary<string, int> switches)
    {
        if (!Required(s, key) || !s.TryText(key, out var name)) return null;
        if (ExplicitNames.IsServerLike(name))
            return s.Check(ExplicitNames.TryServer(name, servers, out _), key, true,
                $"no server '{name}': servers = {servers} makes host0 .. host{servers - 1}") ? name : null;
        if (switches.ContainsKey(name)) return name;
        var hint = ScenarioSuggestions.Closest(name, switches.Keys) is { } close ? $"; did you mean '{close}'?" : $"; the switches are {string.Join(", ", switches.Keys)}";
        s.Report(key, true, $"unknown switch '{name}'{hint}");
        return null;
    }

    /// <summary>Not a self-link, not a second link between the same ends, not between two servers, not a server's second link.</summary>
    private static bool CheckPair(ScenarioSection s, string a, string b, int servers, int index, Dictionary<(string, string), int> seen, int[] linkOfServer)
    {
        if (!s.Check(a != b, "b", true, $"a link from '{a}' to itself")) return false;
        var aServer = ExplicitNames.TryServer(a, servers, out var sa);
        var bServer = ExplicitNames.TryServer(b, servers, out var sb);
        if (!s.Check(!(aServer && bServer), "b", true, $"links two servers ('{a}' and '{b}'); a server links to a switch")) return false;
        var pair = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
        if (!s.Check(!seen.TryGetValue(pair, out var earlier), "b", true, $"a second link between '{a}' and '{b}' (links[{earlier}] is the first)")) return false;
        seen[pair] = index;
        var (server, name, key) = aServer ? (sa, a, "a") : bServer ? (sb, b, "b") : (-1, "", "");
        if (server < 0) return true;
        if (!s.Check(linkOfServer[server] < 0, key, true,
                $"'{name}' already has a link (links[{linkOfServer[server]}]); a server has exactly one link, to one switch")) return false;
        linkOfServer[server] = index;
        return true;
    }

    /// <summary>Every server has a link, every switch has one, and all servers reach each other (one connected component).</summary>
    private static bool Connected(ScenarioSection topology, List<string> switches, int servers, List<ExplicitDraft.Link> links, int[] linkOfServer)
    {
        if (Array.IndexOf(linkOfServer, -1) is var lonely and >= 0)
        {
            topology.Report("links", true, $"host{lonely} has no link; servers = {servers} makes host0 .. host{servers - 1}, and each needs one link to a switch");
            return false;
        }
        var neighbours = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var l in links)
        {
            (neighbours.TryGetValue(l.A, out var na) ? na : neighbours[l.A] = []).Add(l.B);
            (neighbours.TryGetValue(l.B, out var nb) ? nb : neighbours[l.B] = []).Add(l.A);
        }
        if (switches.FirstOrDefault(s => !neighbours.ContainsKey(s)) is { } unlinked)
        {
            topology.Report("links", true, $"switch '{unlinked}' has no link");
            return false;
        }
        var reached = new HashSet<string>(StringComparer.Ordinal) { "host0" };
        var queue = new Queue<string>(reached);
        while (queue.TryDequeue(out var at))
            foreach (var next in neighbours[at])
                if (reached.Add(next)) queue.Enqueue(next);
        for (var server = 1; server < servers; server++)
            if (!reached.Contains($"host{server}"))
            {
                topology.Report("links", true, $"host{server} cannot reach host0: the links make more than one network (host{server} is on switch '{Switch(links[linkOfServer[server]], servers)}')");
                return false;
            }
        if (switches.FirstOrDefault(s => !reached.Contains(s)) is { } apart)
        {
            topology.Report("links", true, $"switch '{apart}' cannot reach host0: the links make more than one network");
            return false;
        }
        return true;
    }

    private static string Switch(ExplicitDraft.Link l, int servers) => ExplicitNames.TryServer(l.A, servers, out _) ? l.B : l.A;
}

/// <summary>An explicit topology read but for its links' own queues, which <see cref="Complete"/> reads.</summary>
public sealed class ExplicitDraft(IReadOnlyList<string> switches, int servers, IReadOnlyList<ExplicitDraft.Link> links)
{
    public sealed record Link(string A, string B, LinkSettings Settings, ScenarioSection? Queue);

    public int Servers => servers;

    /// <summary>The slowest server link: what a generator's rate = N% is a share of.</summary>
    public LinkSettings SlowestServerLink => links.Where(l => ExplicitNames.JoinsServer(l.A, l.B, servers))
        .MinBy(l => l.Settings.Rate.BitsPerSecond)!.Settings;

    /// <summary>The topology with each link's queue (topology.switch-queue unless the link sets queue); null after reporting.</summary>
    public ExplicitTopology? Complete(int largestFrame)
    {
        var complete = new List<ExplicitLink>();
        var ok = true;
        foreach (var l in links)
        {
            var queue = l.Queue is null ? null : ScenarioTopologyReader.ReadQueue(l.Queue, largestFrame);
            ok &= l.Queue is null || queue is not null;
            complete.Add(new ExplicitLink(l.A, l.B, l.Settings, queue));
        }
        return ok ? new ExplicitTopology(switches, servers, complete) : null;
    }
}
