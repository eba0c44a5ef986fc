using System.Globalization;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Reads traffic.generators: completes each element from dcsim.generator-defaults, checks it against the
/// topology (host indices, targets) and the scenario duration, and loads the CDF files it names.
/// </summary>
internal sealed class ScenarioGeneratorReader(ScenarioReadContext context, int? hostCount, EntityPlan? plan = null, DataRate? lineRate = null)
{
    /// <summary>Source ports 1024-65535: the 5-tuples one stream can spread over with one source address and destination.</summary>
    public const int MaxConcurrentFlows = 65536 - 1024;

    /// <summary>Bytes a UDP datagram's frame adds to its payload: UDP, IPv4, Ethernet header and FCS (64 B frame = 18 B payload).</summary>
    public const int UdpFrameOverhead = Ethernet.UdpHeaderBytes + Ethernet.Ipv4HeaderBytes + Ethernet.HeaderAndFcsBytes;

    /// <summary>The largest UDP payload (65535 - 8 B UDP header - 20 B IPv4 header).</summary>
    public const int MaxUdpPayload = 65507;

    /// <summary>
    /// Generators a scenario may have: <see cref="FlowIds"/> keeps the generator index in 8 bits of a
    /// flow id, and responses of request/response generators use the upper half (128 + index); the last two
    /// indices of the lower half are the shell's ping and iperf (<see cref="Shell.ShellApplications"/>).
    /// </summary>
    public const int MaxGenerators = Shell.ShellApplications.Ping;

    /// <summary>The most transactions a udp-rr client keeps outstanding (each response looks through them).</summary>
    public const int MaxTransactionsInFlight = 1024;

    /// <summary>Host entries the generators' lists may hold together (128 MB), besides hosts = all.</summary>
    public const long MaxHostEntries = 1 << 25;

    private readonly Dictionary<string, (FlowSizeCdf? Cdf, string? Error)> _cdfs = new(StringComparer.Ordinal);
    private List<int>? _allHosts;
    private long _hostEntries;

    public List<GeneratorSettings> ReadAll(ScenarioSection traffic)
    {
        var generators = new List<GeneratorSettings>();
        var (list, fromFile) = traffic.Get("generators");
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            traffic.Report("generators", fromFile, $"expected a list of generator objects [ {{ kind = cbr, rate = 100Mbps, ... }} ], found {HoconValues.Describe(list)}");
            return generators;
        }
        var elements = HoconValues.Elements(list);
        if (elements.Count > MaxGenerators)
            context.Diagnostics.Report($"{ScenarioReference.GeneratorsPath}[{MaxGenerators}]",
                $"at most {MaxGenerators} generators are supported (a flow id holds the generator index in 8 bits, half of them for responses); this list has {elements.Count}");
        // Generators past the limit are not read: their errors would bury the one that matters.
        for (var i = 0; i < Math.Min(elements.Count, MaxGenerators); i++)
        {
            var path = $"{ScenarioReference.GeneratorsPath}[{i}]";
            if (HoconValues.KindOf(elements[i]) != HoconKind.Object)
            {
                context.Diagnostics.Report(path, $"expected a generator object {{ kind = cbr, rate = 100Mbps, ... }}, found {HoconValues.Describe(elements[i])}");
                continue;
            }
            var element = elements[i].GetObject();
            var section = context.ListElement(path, element, ScenarioReference.GeneratorDefaultsPath);
            if (Read(i, section) is { } generator) generators.Add(generator);
        }
        return generators;
    }

    private GeneratorSettings? Read(int index, ScenarioSection g)
    {
        var ok = g.TryWord("kind", GeneratorWords.Kinds, out var kindValue);
        var kind = (GeneratorKind)kindValue;
        var hosts = ReadEndpoints(g);
        ok &= hosts is not null;
        var packetSizeOk = g.TryWord("packet-size-of", GeneratorWords.SizeMeasures, out var sizeMeasure);
        var sizeIsFrame = sizeMeasure != 0;
        long packetBytes = 0;
        if (packetSizeOk)
            packetSizeOk = sizeIsFrame
                ? g.TrySize("packet-size", Ethernet.MinFrameBytes, MaxUdpPayload + UdpFrameOverhead, out packetBytes)
                : g.TrySize("packet-size", 1, MaxUdpPayload, out packetBytes);
        // A frame size is kept as the payload that makes it: every generator sends payloads.
        if (packetSizeOk && sizeIsFrame) packetBytes -= UdpFrameOverhead;
        ok &= packetSizeOk;
        var rateOk = TryRateOrShare(g, packetSizeOk ? (int)packetBytes : 1, out var rate, out var lineRateShare);
        ok &= rateOk;
        ok &= g.TryWord("size-distribution", GeneratorWords.SizeDistributions, out var sizesValue);
        var sizes = (SizeDistribution)sizesValue;
        var destinationOk = g.TryWord("destination", GeneratorWords.Destinations, out var destinationValue);
        var destination = (DestinationPattern)destinationValue;
        var targetOk = TryTarget(g, out var target, out var targetNamed);
        ok &= destinationOk && targetOk;
        if (destinationOk && targetOk && hosts is not null) ok &= CheckDestination(g, destination, target, targetNamed, hosts);
        ok &= TryCdf(g, "flow-size-cdf", out var flowSizes);
        ok &= ReadStartStop(g, out var start, out var stop);

        var onOff = g.Child("on-off");
        ok &= onOff.TryTime("on", 1, out var on);
        ok &= onOff.TryTime("off", 0, out var off);
        ok &= onOff.TryWord("periods", GeneratorWords.PeriodDistributions, out var periodsValue);
        var periods = (PeriodDistribution)periodsValue;

        var rr = g.Child("request-response");
        ok &= rr.TrySize("request-size", 1, MaxUdpPayload, out var requestBytes);
        ok &= rr.TrySize("response-size", 1, long.MaxValue, out var responseBytes);
        ok &= TryCdf(rr, "response-size-cdf", out var responseSizes);
        ok &= rr.TryTime("service-time", 0, out var serviceTime);
        ok &= rr.TryWord("service-distribution", GeneratorWords.PeriodDistributions, out var serviceValue);
        var service = (PeriodDistribution)serviceValue;

        var udpRr = ReadUdpRr(g.Child("udp-rr"));
        ok &= udpRr is not null;
        if (kind == GeneratorKind.UdpRr)
            ok &= g.Check(flowSizes is null, "flow-size-cdf", g.Get("flow-size-cdf").FromFile,
                "kind = udp-rr runs one closed loop to one server, so it cannot be cut into flows; remove flow-size-cdf");

        var tcpBulk = ReadTcpBulk(g.Child("tcp-bulk"));
        var tcpRr = ReadTcpRr(g.Child("tcp-rr"));
        var incast = ReadIncast(g.Child("incast"));
        ok &= tcpBulk is not null && tcpRr is not null && incast is not null;
        if (kind == GeneratorKind.TcpFlows)
        {
            ok &= g.Check(flowSizes is not null, "flow-size-cdf", g.Get("flow-size-cdf").FromFile,
                "kind = tcp-flows draws each flow's size from a CDF: set flow-size-cdf (e.g. \"cdf/websearch.txt\")");
            ok &= g.Check(rate.BitsPerSecond > 0, "rate", g.Get("rate").FromFile, "kind = tcp-flows needs a rate above 0 (the offered load in bits per second)");
        }
        if (kind == GeneratorKind.Incast && destinationOk)
            ok &= g.Check(destination == DestinationPattern.Incast, "destination", g.Get("destination").FromFile,
                "kind = incast asks its hosts from its target: set destination = incast and target = the aggregator");

        var destinationSet = ReadDestinationSet(g);
        ok &= destinationSet is not null;
        if (destinationSet is { Count: > 0 } && destinationOk)
            ok &= g.Check(destination is DestinationPattern.Random or DestinationPattern.Permutation, "destinations", true,
                "destinations narrows where random and permutation destinations go; with destination = fixed or incast use target");
        ok &= g.TryInt("concurrent-flows", 1, MaxConcurrentFlows, out var concurrentFlows);
        ok &= g.TryWord("rate-per", GeneratorWords.RatePers, out var ratePerValue);
        var ratePer = (RatePer)ratePerValue;
        var streamKinds = kind is GeneratorKind.Cbr or GeneratorKind.Poisson or GeneratorKind.OnOff;
        // One call per key, not a loop over a span of (string, bool): generic code over a value type, which ReadyToRun leaves to the JIT.
        bool StreamKindsOnly(string key, bool used) =>
            !used || g.Check(streamKinds, key, true, $"{(key == "rate" ? "a rate in % of the line rate" : key)} applies to the packet streams of kind = cbr, poisson and on-off");
        ok &= StreamKindsOnly("concurrent-flows", concurrentFlows != 1);
        ok &= StreamKindsOnly("rate-per", ratePer != RatePer.Source);
        ok &= StreamKindsOnly("packet-size-of", sizeIsFrame);
        ok &= StreamKindsOnly("rate", lineRateShare > 0);

        if (!ok || hosts is null || udpRr is null || destinationSet is null) return null;
        var stream = new StreamSettings(destinationSet.Count > 0 ? destinationSet : null, concurrentFlows, lineRateShare, lineRate ?? default, ratePer, sizeIsFrame,
            ratePer == RatePer.Server ? SourcesOnServer(hosts) : null);
        return new GeneratorSettings(index, kind, hosts, rate, (int)packetBytes, sizes, destination, target, flowSizes, start, stop,
            new OnOffSettings(on, off, periods),
            new RequestResponseSettings((int)requestBytes, responseBytes, responseSizes, serviceTime, service),
            udpRr, tcpBulk, tcpRr, incast, stream == StreamSettings.Default ? null : stream);
    }

    /// <summary>
    /// A rate with a unit (payload bits per second), or N% of the source server's host link counted on the wire (frame and
    /// 20 B of preamble and gap), kept also as the payload rate it makes at <paramref name="payloadBytes"/> (what the cost
    /// estimate reads).
    /// </summary>
    private bool TryRateOrShare(ScenarioSection g, int payloadBytes, out DataRate rate, out double share)
    {
        share = 0;
        rate = default;
        if (!g.TryText("rate", out var text, out var fromFile)) return false;
        if (!text.EndsWith('%')) return g.TryRate("rate", out rate);
        if (!double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || !(percent > 0 && percent <= 100))
        {
            g.Report("rate", fromFile, $"a share of the line rate is a percentage above 0 and at most 100 (e.g. 100%), got '{text}'");
            return false;
        }
        if (lineRate is not { } line) return false; // topology.host-link did not read: already reported
        share = percent / 100;
        rate = new DataRate(Math.Max(1, (long)Math.Round(line.BitsPerSecond * share * payloadBytes / Ethernet.WireBytes(payloadBytes))));
        return true;
    }

    /// <summary>
    /// destinations: host indices, VM and container names and template names; sorted and distinct, empty when the list is
    /// (every endpoint). Null after reporting an error.
    /// </summary>
    private List<int>? ReadDestinationSet(ScenarioSection g)
    {
        var (value, fromFile) = g.Get("destinations");
        if (HoconValues.KindOf(value) != HoconKind.List)
        {
            g.Report("destinations", fromFile, $"expected a list of host indices, VM or container names (web-0) or template names (web), found {HoconValues.Describe(value)}");
            return null;
        }
        var set = new SortedSet<int>();
        var elements = HoconValues.Elements(value);
        for (var i = 0; i < elements.Count; i++)
        {
            var text = HoconValues.KindOf(elements[i]) == HoconKind.Scalar ? HoconValues.Text(elements[i]).Trim() : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var host))
            {
                if (hostCount is not { } n) return null;
                if (host >= n)
                {
                    g.Report($"destinations[{i}]", fromFile, $"host {host} does not exist: the topology has {n} hosts, 0-{n - 1}");
                    return null;
                }
                set.Add(host);
                continue;
            }
            if (plan is null) return null;
            if (!plan.TryResolve(text, out var ids))
            {
                g.Report($"destinations[{i}]", fromFile, $"no host index, VM or container (or template) is '{text}'; {plan.DescribeNames()}");
                return null;
            }
            set.UnionWith(ids);
        }
        return [.. set];
    }

    /// <summary>For each of the generator's sources, how many of them are on its server.</summary>
    private Dictionary<int, int> SourcesOnServer(List<int> sources)
    {
        int ServerOf(int endpoint) => plan?.ServerOf(endpoint) ?? endpoint;
        var perServer = sources.GroupBy(ServerOf).ToDictionary(s => s.Key, s => s.Count());
        return sources.ToDictionary(e => e, e => perServer[ServerOf(e)]);
    }

    private static UdpRrSettings? ReadUdpRr(ScenarioSection rr)
    {
        var ok = rr.TrySize("request-size", 1, MaxUdpPayload, out var request);
        ok &= rr.TrySize("response-size", 1, MaxUdpPayload, out var response);
        ok &= rr.TryInt("transactions-in-flight", 1, MaxTransactionsInFlight, out var inFlight);
        var timesOk = rr.TryTime("service-time", 0, out var service);
        timesOk &= rr.TryTime("timeout", 0, out var timeout);
        if (timesOk)
            timesOk = rr.Check(timeout == 0 || timeout > service, "timeout", rr.Get("timeout").FromFile,
                $"timeout {ScenarioHoconWriter.Time(timeout)} must be longer than service-time {ScenarioHoconWriter.Time(service)} "
                + "(or 0s for none), or every transaction times out");
        ok &= rr.TryText("label", out var label);
        var published = 0L;
        if (rr.TryText("published-rtt", out var publishedText) && publishedText.Length > 0) ok &= rr.TryTime("published-rtt", 1, out published);
        return ok && timesOk ? new UdpRrSettings((int)request, (int)response, service, inFlight, timeout, label, published) : null;
    }

    private static TcpBulkSettings? ReadTcpBulk(ScenarioSection b)
    {
        var ok = TryOptionalSize(b, "flow-size", out var flowBytes);
        ok &= b.TryInt("connections", 1, 1024, out var connections);
        ok &= TryOptionalTime(b, "cwnd-trace", out var trace);
        return ok ? new TcpBulkSettings(flowBytes, connections, trace) : null;
    }

    private static TcpRrSettings? ReadTcpRr(ScenarioSection rr)
    {
        var ok = rr.TrySize("request-size", 1, int.MaxValue, out var request);
        ok &= rr.TrySize("response-size", 1, long.MaxValue / 4, out var response);
        ok &= rr.TryTime("service-time", 0, out var service);
        ok &= rr.TryText("label", out var label);
        ok &= TryOptionalTime(rr, "published-rtt", out var published);
        return ok ? new TcpRrSettings((int)request, response, service, label, published) : null;
    }

    private static IncastSettings? ReadIncast(ScenarioSection i)
    {
        var ok = i.TrySize("request-size", 1, int.MaxValue, out var request);
        ok &= i.TrySize("response-size", 1, long.MaxValue / 4, out var response);
        ok &= i.TryInt("rounds", 0, int.MaxValue, out var rounds);
        ok &= i.TryTime("jitter", 0, out var jitter);
        return ok ? new IncastSettings((int)request, response, rounds, jitter) : null;
    }

    /// <summary>A size, or "" for none (0).</summary>
    private static bool TryOptionalSize(ScenarioSection s, string key, out long bytes)
    {
        bytes = 0;
        return s.TryText(key, out var text) && (text.Length == 0 || s.TrySize(key, 1, long.MaxValue / 4, out bytes));
    }

    /// <summary>A time above zero, or "" for none (0).</summary>
    private static bool TryOptionalTime(ScenarioSection s, string key, out long ps)
    {
        ps = 0;
        return s.TryText(key, out var text) && (text.Length == 0 || s.TryTime(key, 1, out ps));
    }

    /// <summary>The generator's hosts (see <see cref="HostListReader"/>), within the cap on entries kept in memory.</summary>
    private List<int>? ReadHosts(ScenarioSection g)
    {
        var (value, fromFile) = g.Get("hosts");
        // One list for every generator with hosts = all: 128 of them on 8 M hosts would be 4 GB.
        if (HostListReader.IsAll(value)) return hostCount is { } n ? _allHosts ??= HostListReader.All(n) : null;
        var hosts = HostListReader.Read(g, "hosts", hostCount);
        if (hosts is null) return null;
        _hostEntries += hosts.Count;
        if (_hostEntries <= MaxHostEntries) return hosts;
        g.Report("hosts", fromFile, $"the generators list {_hostEntries} hosts in all (counting each generator's hosts); at most {MaxHostEntries} "
            + "are supported, as each is kept in memory; use hosts = all, which is shared");
        return null;
    }

    /// <summary>
    /// The endpoints the generator runs on: its hosts (server stacks, whose endpoint ids are the host indices) and the VMs
    /// and containers named in endpoints; with endpoints set, hosts default to none. Sorted and distinct.
    /// </summary>
    private List<int>? ReadEndpoints(ScenarioSection g)
    {
        var (value, fromFile) = g.Get("endpoints");
        if (HoconValues.KindOf(value) != HoconKind.List)
        {
            g.Report("endpoints", fromFile, $"expected a list of VM or container names (web-0) or template names (web), found {HoconValues.Describe(value)}");
            return null;
        }
        var names = HoconValues.Elements(value);
        if (names.Count == 0) return ReadHosts(g);
        // hosts = [] says "none" as the default does; the resolved scenario writes it so for a generator on VMs only.
        var (hostsValue, hostsFromFile) = g.Get("hosts");
        var noHosts = HoconValues.KindOf(hostsValue) == HoconKind.List && HoconValues.Elements(hostsValue).Count == 0;
        var hosts = hostsFromFile && !noHosts ? ReadHosts(g) : [];
        if (hosts is null) return null;
        var endpoints = new SortedSet<int>(hosts);
        for (var i = 0; i < names.Count; i++)
        {
            var name = HoconValues.KindOf(names[i]) == HoconKind.Scalar ? HoconValues.Text(names[i]).Trim() : "";
            if (plan is null) return null; // the VMs and containers did not read: already reported
            if (!plan.TryResolve(name, out var ids))
            {
                g.Report($"endpoints[{i}]", fromFile, $"no VM or container (or template) is named '{name}'; {plan.DescribeNames()}");
                return null;
            }
            endpoints.UnionWith(ids);
        }
        return [.. endpoints];
    }

    /// <summary>A target is a host index or the name of one VM or container (<paramref name="named"/>: its endpoint id).</summary>
    private bool TryTarget(ScenarioSection g, out int target, out bool named)
    {
        target = 0;
        named = false;
        if (!g.TryText("target", out var text, out var fromFile)) return false;
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out target)) return true;
        if (plan is null) return false;
        if (plan.TryResolve(text, out var ids) && ids.Count == 1)
        {
            target = ids[0];
            named = true;
            return true;
        }
        g.Report("target", fromFile, $"expected a host index or the name of one VM or container, got '{text}'; {plan.DescribeNames()}");
        return false;
    }

    private bool CheckDestination(ScenarioSection g, DestinationPattern destination, int target, bool targetNamed, List<int> hosts)
    {
        var hostsFromFile = g.Get("hosts").FromFile || g.Get("endpoints").FromFile;
        switch (destination)
        {
            case DestinationPattern.Permutation:
                return g.Check(hosts.Count >= 2, "hosts", hostsFromFile || g.Get("destination").FromFile,
                    $"destination = permutation needs at least 2 hosts to permute, got {hosts.Count}");
            case DestinationPattern.Incast or DestinationPattern.Fixed:
                var targetFromFile = g.Get("target").FromFile;
                // A number is a host index: the endpoint ids after the hosts (VMs, containers) are reached by name only.
                if (hostCount is { } n && !targetNamed && (target < 0 || target >= n))
                {
                    g.Report("target", targetFromFile, $"target {target} is not a host: the topology has {n} hosts, 0-{n - 1}");
                    return false;
                }
                return g.Check(hosts.Count != 1 || hosts[0] != target, "hosts", hostsFromFile,
                    $"the only sending host is the target {target} itself, so nothing would be sent");
            default:
                return true;
        }
    }

    /// <summary>start &gt;= 0 and start &lt; stop &lt;= duration; stop = "" means the scenario duration.</summary>
    private bool ReadStartStop(ScenarioSection g, out long start, out long stop)
    {
        stop = 0;
        var ok = g.TryTime("start", 0, out start);
        if (!g.TryText("stop", out var stopText, out var stopFromFile)) return false;
        if (stopText.Length == 0)
        {
            if (context.DurationPs is not { } duration) return false;
            stop = duration;
            return ok && g.Check(start < stop, "start", g.Get("start").FromFile,
                $"start {ScenarioHoconWriter.Time(start)} must be before stop, which is the end of the scenario ({ScenarioHoconWriter.Time(duration)})");
        }
        if (!g.TryTime("stop", 0, out stop)) return false;
        if (ok) ok = g.Check(stop > start, "stop", stopFromFile, $"stop {stopText} must be after start {ScenarioHoconWriter.Time(start)}");
        if (context.DurationPs is { } d)
            ok &= g.Check(stop <= d, "stop", stopFromFile, $"stop {stopText} is after the end of the scenario (duration = {ScenarioHoconWriter.Time(d)})");
        else ok = false;
        return ok;
    }

    /// <summary>An optional CDF file ("" for none), relative to the scenario's directory; parsed once per file.</summary>
    private bool TryCdf(ScenarioSection section, string key, out FlowSizeCdf? cdf)
    {
        cdf = null;
        if (!section.TryText(key, out var path, out var fromFile)) return false;
        if (path.Length == 0) return true;
        string full;
        try { full = Path.GetFullPath(Path.Combine(context.BaseDirectory, path)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            section.Report(key, fromFile, $"'{path}' is not a valid file path: {e.Message}");
            return false;
        }
        if (!_cdfs.TryGetValue(full, out var loaded))
        {
            loaded = LoadCdf(path, full);
            _cdfs[full] = loaded;
        }
        if (loaded.Error is { } error)
        {
            section.Report(key, fromFile, error);
            return false;
        }
        cdf = loaded.Cdf;
        return true;
    }

    private static (FlowSizeCdf? Cdf, string? Error) LoadCdf(string path, string full)
    {
        if (!File.Exists(full)) return (null, $"CDF file '{path}' not found (looked for {full}; paths are relative to the scenario file's directory)");
        try
        {
            // The source name is the path as written, so results and messages do not depend on where the scenario lives.
            return (FlowSizeCdf.Load(path, full), null);
        }
        catch (FormatException e)
        {
            return (null, $"invalid CDF file: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read CDF file '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// The largest UDP payload a generator can put in one packet, as the traffic generators send them:
    /// exponential sizes are capped at the UDP maximum, a request is one packet, and responses are cut
    /// into packets of at most packet-size.
    /// </summary>
    private static int LargestPayload(GeneratorSettings g)
    {
        if (g.Kind == GeneratorKind.UdpRr) return Math.Max(g.UdpRr.RequestBytes, g.UdpRr.ResponseBytes);
        if (g.Kind == GeneratorKind.RequestResponse)
        {
            var rr = g.RequestResponse;
            var response = rr.ResponseSizes is null ? Math.Min(g.PacketBytes, rr.ResponseBytes) : g.PacketBytes;
            return (int)Math.Max(rr.RequestBytes, response);
        }
        return g.SizeDistribution == SizeDistribution.Exponential ? MaxUdpPayload : g.PacketBytes;
    }

    /// <summary>The largest frame any of the generators can send (a TCP generator's: a full segment of <paramref name="mss"/>; at least the 64 B minimum frame).</summary>
    /// <remarks>A loop: Max over ints is generic code JIT-compiled (3 ms) on the way to a run's start.</remarks>
    public static int LargestFrame(IEnumerable<GeneratorSettings> generators, int mss)
    {
        int? largest = null;
        foreach (var g in generators)
        {
            var frame = Tcp.TcpApplications.IsTcp(g.Kind) ? Ethernet.FrameBytes(mss, Ethernet.TcpHeaderBytes) : Ethernet.FrameBytes(LargestPayload(g));
            largest = Math.Max(largest ?? frame, frame);
        }
        return largest ?? Ethernet.MinFrameBytes;
    }

    /// <summary>A generator as the resolved scenario writes it: every key, canonical units (the inverse of reading it).</summary>
    public static ResolvedHocon Resolved(GeneratorSettings g, int hostCount, EntityPlan plan)
    {
        // Loops, not LINQ over the int lists: Where, Any and Select over ints are generic code JIT-compiled on the way to a run's start.
        var hosts = new List<int>();
        var endpoints = new List<string>();
        foreach (var h in g.Hosts)
        {
            if (h < hostCount) hosts.Add(h);
            else endpoints.Add(ScenarioHoconWriter.Quote(plan.NameOf(h - hostCount)));
        }
        var destinations = new List<string>();
        foreach (var e in g.Stream.Destinations ?? [])
            destinations.Add(e < hostCount ? ScenarioHoconWriter.Int(e) : ScenarioHoconWriter.Quote(plan.NameOf(e - hostCount)));
        return Write(g, hostCount, plan, hosts.Count > 0 ? HostListReader.Format(hosts, hostCount) : "[]", endpoints, destinations);
    }

    private static ResolvedHocon Write(GeneratorSettings g, int hostCount, EntityPlan plan, string hosts, List<string> endpoints, List<string> destinations) => new()
    {
        ["kind"] = GeneratorWords.Kinds.WordOf((int)g.Kind),
        ["hosts"] = hosts,
        ["endpoints"] = "[" + string.Join(", ", endpoints) + "]",
        ["rate"] = g.Stream.LineRateShare > 0 ? (g.Stream.LineRateShare * 100).ToString("R", CultureInfo.InvariantCulture) + "%" : g.Rate.ToString(),
        ["rate-per"] = GeneratorWords.RatePers.WordOf((int)g.Stream.RatePer),
        ["packet-size"] = ScenarioHoconWriter.Size(g.Stream.SizeIsFrame ? g.PacketBytes + UdpFrameOverhead : g.PacketBytes),
        ["packet-size-of"] = GeneratorWords.SizeMeasures.WordOf(g.Stream.SizeIsFrame ? 1 : 0),
        ["destinations"] = "[" + string.Join(", ", destinations) + "]",
        ["concurrent-flows"] = ScenarioHoconWriter.Int(g.Stream.ConcurrentFlows),
        ["size-distribution"] = GeneratorWords.SizeDistributions.WordOf((int)g.SizeDistribution),
        ["destination"] = GeneratorWords.Destinations.WordOf((int)g.Destination),
        // An entity's id is written as its name; any other number as written (a random destination never checks its target).
        ["target"] = g.TargetHost >= hostCount && g.TargetHost < plan.EndpointCount
            ? ScenarioHoconWriter.Quote(plan.NameOf(g.TargetHost - hostCount)) : ScenarioHoconWriter.Int(g.TargetHost),
        ["flow-size-cdf"] = ScenarioHoconWriter.Quote(g.FlowSizes?.Source ?? ""),
        ["start"] = ScenarioHoconWriter.Time(g.StartPs),
        ["stop"] = ScenarioHoconWriter.Time(g.StopPs),
        ["on-off"] = new ResolvedHocon
        {
            ["on"] = ScenarioHoconWriter.Time(g.OnOff.OnPs),
            ["off"] = ScenarioHoconWriter.Time(g.OnOff.OffPs),
            ["periods"] = GeneratorWords.PeriodDistributions.WordOf((int)g.OnOff.Periods),
        },
        ["request-response"] = new ResolvedHocon
        {
            ["request-size"] = ScenarioHoconWriter.Size(g.RequestResponse.RequestBytes),
            ["response-size"] = ScenarioHoconWriter.Size(g.RequestResponse.ResponseBytes),
            ["response-size-cdf"] = ScenarioHoconWriter.Quote(g.RequestResponse.ResponseSizes?.Source ?? ""),
            ["service-time"] = ScenarioHoconWriter.Time(g.RequestResponse.ServiceTimePs),
            ["service-distribution"] = GeneratorWords.PeriodDistributions.WordOf((int)g.RequestResponse.ServiceDistribution),
        },
        ["udp-rr"] = new ResolvedHocon
        {
            ["request-size"] = ScenarioHoconWriter.Size(g.UdpRr.RequestBytes),
            ["response-size"] = ScenarioHoconWriter.Size(g.UdpRr.ResponseBytes),
            ["service-time"] = ScenarioHoconWriter.Time(g.UdpRr.ServiceTimePs),
            ["transactions-in-flight"] = ScenarioHoconWriter.Int(g.UdpRr.TransactionsInFlight),
            ["timeout"] = ScenarioHoconWriter.Time(g.UdpRr.TimeoutPs),
            ["label"] = ScenarioHoconWriter.Quote(g.UdpRr.Label),
            ["published-rtt"] = g.UdpRr.PublishedRttPs == 0 ? "\"\"" : ScenarioHoconWriter.Time(g.UdpRr.PublishedRttPs),
        },
        ["tcp-bulk"] = new ResolvedHocon
        {
            ["flow-size"] = g.TcpBulk.FlowBytes == 0 ? "\"\"" : ScenarioHoconWriter.Size(g.TcpBulk.FlowBytes),
            ["connections"] = ScenarioHoconWriter.Int(g.TcpBulk.Connections),
            ["cwnd-trace"] = g.TcpBulk.CwndTracePs == 0 ? "\"\"" : ScenarioHoconWriter.Time(g.TcpBulk.CwndTracePs),
        },
        ["tcp-rr"] = new ResolvedHocon
        {
            ["request-size"] = ScenarioHoconWriter.Size(g.TcpRr.RequestBytes),
            ["response-size"] = ScenarioHoconWriter.Size(g.TcpRr.ResponseBytes),
            ["service-time"] = ScenarioHoconWriter.Time(g.TcpRr.ServiceTimePs),
            ["label"] = ScenarioHoconWriter.Quote(g.TcpRr.Label),
            ["published-rtt"] = g.TcpRr.PublishedRttPs == 0 ? "\"\"" : ScenarioHoconWriter.Time(g.TcpRr.PublishedRttPs),
        },
        ["incast"] = new ResolvedHocon
        {
            ["request-size"] = ScenarioHoconWriter.Size(g.Incast.RequestBytes),
            ["response-size"] = ScenarioHoconWriter.Size(g.Incast.ResponseBytes),
            ["rounds"] = ScenarioHoconWriter.Int(g.Incast.Rounds),
            ["jitter"] = ScenarioHoconWriter.Time(g.Incast.JitterPs),
        },
    };
}
