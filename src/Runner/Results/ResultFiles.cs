using System.Globalization;
using System.Text;
using System.Text.Json;
using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Sriov;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Results;

/// <summary>
/// Writes summary.json, flows.csv, links.csv, servers.csv, rr.csv, endpoints.csv, cores.csv, tcp-flows.csv and series.csv (and
/// migrations.csv when there are migrations, pcap/*.pcap when ports were captured). Their content depends only on the scenario, the seed
/// and the simulation (no wall-clock figures), so that equal runs give byte-identical files. Files are
/// written under temporary names and renamed at the end, so an interrupted run leaves none half-written.
/// </summary>
internal static partial class ResultFiles
{
    public static readonly string[] Names =
        ["summary.json", "flows.csv", "links.csv", "servers.csv", "rr.csv", "endpoints.csv", "cores.csv", "tcp-flows.csv", "series.csv"];

    public static void Write(string directory, ScenarioSettings scenario, ResultsBuilder results)
    {
        Directory.CreateDirectory(directory);
        var summary = new RunSummary(results);
        var contents = new[]
        {
            SummaryJson(scenario, results, summary),
            FlowsCsv(results),
            LinksCsv(results, scenario.DurationPs),
            ServersCsv(results, scenario.DurationPs),
            RrCsv(results),
            EndpointsCsv(results),
            CoresCsv(results, scenario.DurationPs),
            TcpFlowsCsv(results),
            SeriesCsv(results),
        };
        var names = Names.ToList();
        // A shell directive may start one in a scenario that plans none.
        if (scenario.Datacenter().Migrations.Count > 0 || results.Components.Values.Any(c => c.Kind == ActorsHost.Migration.MigrationResults.Kind))
        {
            names.Add(MigrationsFile);
            contents = [.. contents, MigrationsCsv(scenario, results)];
        }
        var temporary = names.Select(n => Path.Combine(directory, $".{n}.partial")).ToArray();
        for (var i = 0; i < names.Count; i++) File.WriteAllText(temporary[i], contents[i], new UTF8Encoding(false));
        for (var i = 0; i < names.Count; i++) File.Move(temporary[i], Path.Combine(directory, names[i]), overwrite: true);
        WriteCaptures(directory, results);
    }

    /// <summary>The fabric in summary.json: hosts, leaves and spines of a leaf-spine fabric (as always), or hosts, kind and the shape's own figures.</summary>
    private static void WriteFabric(Utf8JsonWriter w, TopologySettings t)
    {
        w.WriteNumber("hosts", t.HostCount);
        if (t.Kind == TopologyKind.LeafSpine)
        {
            w.WriteNumber("leaves", t.Leaves);
            w.WriteNumber("spines", t.Spines);
            return;
        }
        w.WriteString("kind", ScenarioTopologyReader.Kinds.WordOf((int)t.Kind));
        if (t.Kind == TopologyKind.FatTree) w.WriteNumber("k", t.K);
        var graph = FabricGraph.Of(t);
        w.WriteNumber("switches", graph.SwitchCount);
        w.WriteNumber("links", graph.LinkCount);
    }

    public static string SummaryJson(ScenarioSettings scenario, ResultsBuilder results, RunSummary s)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("scenario");
            w.WriteString("name", scenario.Name);
            w.WriteNumber("seed", scenario.Seed);
            w.WriteNumber("duration_ps", scenario.DurationPs);
            WriteFabric(w, scenario.Datacenter().Topology);
            // When the generators run, first start to last stop: rates over it mean what the offered load means.
            var generators = scenario.Datacenter().Generators;
            w.WriteNumber("traffic_start_ps", generators.Count == 0 ? 0 : generators.Min(g => g.StartPs));
            w.WriteNumber("traffic_stop_ps", generators.Count == 0 ? scenario.DurationPs : Math.Min(scenario.DurationPs, generators.Max(g => g.StopPs)));
            w.WriteString("resolved", scenario.ResolvedHocon);
            w.WriteEndObject();

            w.WriteStartObject("totals");
            w.WriteNumber("flows", s.FlowCount);
            w.WriteNumber("sent_packets", s.SentPackets);
            w.WriteNumber("sent_bytes", s.SentBytes);
            w.WriteNumber("delivered_packets", s.DeliveredPackets);
            w.WriteNumber("delivered_bytes", s.DeliveredBytes);
            w.WriteNumber("dropped_packets", s.DroppedPackets);
            w.WriteNumber("dropped_bytes", s.DroppedBytes);
            w.WriteNumber("in_flight_packets", s.InFlightPackets);
            w.WriteNumber("in_flight_bytes", s.InFlightBytes);
            w.WriteBoolean("conservation_holds", s.Conserved);
            w.WriteNumber("link_transmissions", s.LinkTransmissions);
            w.WriteNumber("events_processed", s.EventsProcessed);
            w.WriteEndObject();

            WriteLatency(w, "latency_ns", s.Latency);

            w.WriteStartObject("drops_by_location");
            foreach (var (where, n) in s.DropsByLocation) w.WriteNumber(where, n);
            w.WriteEndObject();

            w.WriteStartObject("links");
            var links = results.Links.Values.ToList();
            w.WriteNumber("count", links.Count);
            w.WriteNumber("mean_utilisation", links.Count == 0 ? 0 : Round(links.Average(l => l.Utilisation(scenario.DurationPs))));
            w.WriteNumber("max_utilisation", links.Count == 0 ? 0 : Round(links.Max(l => l.Utilisation(scenario.DurationPs))));
            w.WriteNumber("max_queue_packets", links.Count == 0 ? 0 : links.Max(l => l.QueueMaxPackets));
            w.WriteNumber("max_queue_bytes", links.Count == 0 ? 0 : links.Max(l => l.QueueMaxBytes));
            w.WriteNumber("early_dropped_packets", links.Sum(l => l.EarlyDroppedPackets));
            w.WriteNumber("ecn_marked_packets", links.Sum(l => l.EcnMarkedPackets));
            w.WriteEndObject();

            WriteServers(w, results, scenario.DurationPs);
            WriteTcp(w, results);
            WriteRoundTrips(w, results);

            w.WriteStartObject("request_completion_ns");
            foreach (var (g, h) in results.Histograms.GetValueOrDefault(TrafficHistograms.RequestCompletion) ?? new SortedDictionary<int, LatencyHistogram>())
                WriteLatency(w, $"generator{g}", h);
            w.WriteEndObject();

            w.WriteStartObject("events_by_lp");
            foreach (var (lp, n) in results.EventsByLp) w.WriteNumber(lp, n);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }

    private static void WriteServers(Utf8JsonWriter w, ResultsBuilder results, long durationPs)
    {
        var servers = ServerRows(results).ToList();
        w.WriteStartObject("servers");
        w.WriteNumber("count", servers.Count);
        w.WriteNumber("mean_host_kernel_cpu", Round(servers.Count == 0 ? 0 : servers.Average(s => Utilisation(s.Server, "host_kernel_busy_ps", durationPs))));
        w.WriteNumber("mean_host_user_cpu", Round(servers.Count == 0 ? 0 : servers.Average(s => Utilisation(s.Server, "host_user_busy_ps", durationPs))));
        // Cycles by category over every server: what sweeps divide by delivered packets (host and guest cycles per packet).
        w.WriteStartObject("cycles");
        foreach (var category in CpuCategories.All)
            w.WriteNumber(CpuCategories.Name(category).Replace('-', '_'), servers.Sum(s => s.Server[Server.CyclesCounter(category)]));
        // VM boots' work, included in guest_kernel above.
        w.WriteNumber("boot", servers.Sum(s => s.Server["boot_cycles"]));
        w.WriteEndObject();
        var vswitches = servers.Where(s => s.VSwitch is not null).Select(s => s.VSwitch!).ToList();
        if (vswitches.Count > 0)
        {
            long Sum(string counter) => vswitches.Sum(v => v[counter]);
            var packets = Math.Max(1, Sum("packets"));
            w.WriteStartObject("vswitch");
            foreach (var counter in (string[])["packets", "exact_match_hits", "megaflow_hits", "mask_cache_hits", "upcalls_handled", "upcalls_lost",
                         "flows_installed", "installs_refused", "evictions", "dropped_packets"])
                w.WriteNumber(counter, Sum(counter));
            w.WriteNumber("exact_match_hit_rate", Round((double)Sum("exact_match_hits") / packets));
            w.WriteNumber("megaflow_hit_rate", Round((double)Sum("megaflow_hits") / packets));
            w.WriteNumber("upcall_rate", Round((double)(Sum("upcalls_handled") + Sum("upcalls_lost")) / packets));
            w.WriteNumber("masks_per_packet", Round((double)Sum("masks_probed") / packets));
            w.WriteNumber("cycles_per_packet", Round((double)Sum("cycles") / packets));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Every server's counters with its vSwitch's, if it has one, in server-name order.</summary>
    private static IEnumerable<(ComponentCounters Server, ComponentCounters? VSwitch)> ServerRows(ResultsBuilder results) =>
        results.Components.Values.Where(c => c.Kind == "server")
            .Select(s => (s, results.Components.GetValueOrDefault(s.Path + "/vswitch")));

    private static double Utilisation(ComponentCounters server, string busyCounter, long durationPs) =>
        durationPs <= 0 ? 0 : server[busyCounter] / ((double)durationPs * server["cores"]);

    private static readonly string[] VSwitchColumns =
    [
        "packets", "exact_match_hits", "megaflow_hits", "mask_cache_hits", "upcalls_handled", "upcalls_lost", "flows_installed",
        "installs_refused", "evictions", "revalidations", "masks_probed", "cycles", "megaflows", "masks", "dropped_packets",
    ];

    public static string ServersCsv(ResultsBuilder results, long durationPs)
    {
        var sb = new StringBuilder();
        sb.Append("server,cores,host_kernel_cpu,host_user_cpu,guest_cpu,vswitch_packets,exact_match_hits,megaflow_hits,mask_cache_hits,")
          .Append("upcalls_handled,upcalls_lost,flows_installed,installs_refused,evictions,revalidations,masks_probed,cycles,flows_at_end,masks_at_end,vswitch_drops,")
          .Append("guest_kernel_cpu,guest_user_cpu,hypervisor_cpu,host_kernel_cycles,host_user_cycles,guest_kernel_cycles,guest_user_cycles,hypervisor_cycles,")
          .Append("idle_exits,nic_packets,cycles_per_packet,vms,containers\n");
        var entities = EndpointResults.CountsByServer(results);
        foreach (var (s, v) in ServerRows(results))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s.Path},{s["cores"]},{Round(Utilisation(s, "host_kernel_busy_ps", durationPs))},")
              .Append(CultureInfo.InvariantCulture, $"{Round(Utilisation(s, "host_user_busy_ps", durationPs))},{Round(Utilisation(s, "guest_kernel_busy_ps", durationPs) + Utilisation(s, "guest_user_busy_ps", durationPs))}");
            foreach (var column in VSwitchColumns)
                sb.Append(',').Append(v is null ? "" : v[column].ToString(CultureInfo.InvariantCulture));
            foreach (var category in (CpuCategory[])[CpuCategory.GuestKernel, CpuCategory.GuestUser, CpuCategory.Hypervisor])
                sb.Append(CultureInfo.InvariantCulture, $",{Round(Utilisation(s, CpuCategories.BusyCounter(category), durationPs))}");
            long cycles = 0;
            foreach (var category in CpuCategories.All)
            {
                cycles += s[Server.CyclesCounter(category)];
                sb.Append(CultureInfo.InvariantCulture, $",{s[Server.CyclesCounter(category)]}");
            }
            var nic = results.Components.GetValueOrDefault(s.Path + "/nic0");
            // An SR-IOV NIC's packets: those on the wire and those its switch passed between functions (VF to VF, VF to PF).
            var packets = nic is null ? 0
                : nic.Kind == SriovNic.ComponentKind ? nic["wire_rx_packets"] + nic["wire_tx_packets"] + nic["internal_switched"]
                : nic["rx_packets"] + nic["tx_packets"];
            sb.Append(CultureInfo.InvariantCulture, $",{s["idle_exits"]},{packets},{Round(packets == 0 ? 0 : (double)cycles / packets)},")
              .Append(CultureInfo.InvariantCulture, $"{entities.GetValueOrDefault((s.Path, "vm"))},{entities.GetValueOrDefault((s.Path, "container"))}\n");
        }
        return sb.ToString();
    }

    private static void WriteLatency(Utf8JsonWriter w, string name, LatencyHistogram h)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", h.Count);
        w.WriteNumber("mean", Round(h.MeanPs / 1000));
        w.WriteNumber("min", Round(h.Count == 0 ? 0 : h.MinPs / 1000.0));
        w.WriteNumber("p50", h.PercentileNs(50));
        w.WriteNumber("p90", h.PercentileNs(90));
        w.WriteNumber("p99", h.PercentileNs(99));
        w.WriteNumber("p99_9", h.PercentileNs(99.9));
        w.WriteNumber("max", Round(h.MaxPs / 1000.0));
        w.WriteEndObject();
    }

    public static string FlowsCsv(ResultsBuilder results)
    {
        var sb = new StringBuilder();
        sb.Append("flow_id,source,destination,generator,kind,sent_packets,sent_bytes,delivered_packets,delivered_bytes,")
          .Append("dropped_packets,dropped_bytes,in_flight_packets,latency_mean_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,latency_p99_9_ns,latency_max_ns,drop_locations\n");
        foreach (var f in results.Flows.Values)
        {
            var h = f.Latency;
            sb.Append(CultureInfo.InvariantCulture, $"{f.FlowId},{f.Source},{f.Destination},{f.Generator},{f.Kind},{f.SentPackets},{f.SentBytes},")
              .Append(CultureInfo.InvariantCulture, $"{f.DeliveredPackets},{f.DeliveredBytes},{f.DroppedPackets},{f.DroppedBytes},{f.InFlightPackets},")
              .Append(CultureInfo.InvariantCulture, $"{Round((h?.MeanPs ?? 0) / 1000)},{h?.PercentileNs(50) ?? 0},{h?.PercentileNs(90) ?? 0},")
              .Append(CultureInfo.InvariantCulture, $"{h?.PercentileNs(99) ?? 0},{h?.PercentileNs(99.9) ?? 0},{Round((h?.MaxPs ?? 0) / 1000.0)},")
              .Append(string.Join(';', f.Drops.Select(d => $"{d.Key}={d.Value}")))
              .Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Every udp-rr and tcp-rr loop together (rr.csv has each): what a sweep compares of request/response latency.</summary>
    private static void WriteRoundTrips(Utf8JsonWriter w, ResultsBuilder results)
    {
        var rows = UdpRrResults.Rows(results).ToList();
        var all = new LatencyHistogram(3);
        foreach (var r in rows) all.Add(r.RoundTrips);
        w.WriteStartObject("rr");
        w.WriteNumber("loops", rows.Count);
        w.WriteNumber("transactions", rows.Sum(r => r.Transactions));
        w.WriteNumber("rtt_p50_us", Round(all.PercentileNs(50) / 1e3));
        w.WriteNumber("rtt_p99_us", Round(all.PercentileNs(99) / 1e3));
        w.WriteEndObject();
    }

    /// <summary>One row per udp-rr or tcp-rr client (<see cref="UdpRrResults"/>); round-trip times in µs.</summary>
    public static string RrCsv(ResultsBuilder results)
    {
        var sb = new StringBuilder();
        sb.Append("generator,client,server,requests,transactions,transactions_per_s,rtt_mean_us,rtt_min_us,rtt_p50_us,rtt_p99_us,rtt_max_us,lost,late_responses,active_ps,protocol\n");
        foreach (var r in UdpRrResults.Rows(results))
        {
            var h = r.RoundTrips;
            sb.Append(CultureInfo.InvariantCulture, $"{r.Generator},{r.Client},{r.Server},{r.Requests},{r.Transactions},{Round(r.TransactionsPerSecond)},")
              .Append(CultureInfo.InvariantCulture, $"{Round(h.MeanPs / 1e6)},{Round(h.Count == 0 ? 0 : h.MinPs / 1e6)},{Round(h.PercentileNs(50) / 1e3)},")
              .Append(CultureInfo.InvariantCulture, $"{Round(h.PercentileNs(99) / 1e3)},{Round(h.MaxPs / 1e6)},{r.Lost},{r.Late},{r.ActivePs},{r.Protocol}\n");
        }
        return sb.ToString();
    }

    public static string LinksCsv(ResultsBuilder results, long durationPs)
    {
        var sb = new StringBuilder();
        sb.Append("from,to,rate_bps,delay_ps,tx_packets,tx_wire_bytes,utilisation,queue_mean_packets,queue_max_packets,")
          .Append("queue_mean_bytes,queue_max_bytes,mean_wait_ns,dropped_packets,dropped_bytes,early_dropped,ecn_marked\n");
        foreach (var l in results.Links.Values)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{l.From},{l.To},{l.RateBps},{l.DelayPs},{l.TxPackets},{l.TxWireBytes},")
              .Append(CultureInfo.InvariantCulture, $"{Round(l.Utilisation(durationPs))},{Round(l.QueueMeanPackets(durationPs))},{l.QueueMaxPackets},")
              .Append(CultureInfo.InvariantCulture, $"{Round(l.QueueMeanBytes(durationPs))},{l.QueueMaxBytes},{Round(l.MeanWaitPs / 1000)},")
              .Append(CultureInfo.InvariantCulture, $"{l.DroppedPackets},{l.DroppedBytes},{l.EarlyDroppedPackets},{l.EcnMarkedPackets}\n");
        }
        return sb.ToString();
    }

    /// <summary>Six decimals: enough for every figure, and stable text for byte-identical files.</summary>
    private static double Round(double v) => Math.Round(v, 6, MidpointRounding.ToEven);

    public static string HumanSummary(ScenarioSettings scenario, ResultsBuilder results)
    {
        var s = new RunSummary(results);
        var h = s.Latency;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"scenario {scenario.Name}: {scenario.Datacenter().Topology.Describe()}, {SimTime.Format(scenario.DurationPs)} simulated, seed {scenario.Seed}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"packets  sent {s.SentPackets:N0}  delivered {s.DeliveredPackets:N0}  dropped {s.DroppedPackets:N0}  in flight {s.InFlightPackets:N0}  conservation {(s.Conserved ? "holds" : "VIOLATED")}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"latency  mean {h.MeanPs / 1e6:0.000} us  p50 {h.PercentileNs(50) / 1e3:0.000} us  p99 {h.PercentileNs(99) / 1e3:0.000} us  p99.9 {h.PercentileNs(99.9) / 1e3:0.000} us  max {h.MaxPs / 1e6:0.000} us");
        sb.AppendLine(CultureInfo.InvariantCulture, $"links    {results.Links.Count} directed, {s.LinkTransmissions:N0} transmissions; events {s.EventsProcessed:N0}");
        var marked = results.Links.Values.Sum(l => l.EcnMarkedPackets);
        var early = results.Links.Values.Sum(l => l.EarlyDroppedPackets);
        // Only queues with ECN marking on can count either; a run without them prints what it always did.
        if (marked + early > 0) sb.AppendLine(CultureInfo.InvariantCulture, $"ecn      {marked:N0} packets marked CE, {early:N0} dropped early by RED");
        foreach (var (where, n) in s.DropsByLocation.OrderByDescending(kv => kv.Value).Take(5)) sb.AppendLine(CultureInfo.InvariantCulture, $"drops    {where}: {n:N0}");
        AppendBonds(sb, results);
        AppendMigrations(sb, scenario, results);
        AppendVfAssignment(sb, results);
        AppendRrTable(sb, scenario, results);
        AppendTcp(sb, results);
        return sb.ToString();
    }

    /// <summary>The guest bonds of vf-bond VMs, summed (only runs that have them print the line).</summary>
    private static void AppendBonds(StringBuilder sb, ResultsBuilder results)
    {
        var bonds = results.Components.Values.Where(c => c.Kind == GuestBond.ComponentKind).ToList();
        if (bonds.Count == 0) return;
        long Sum(string counter) => bonds.Sum(b => b[counter]);
        var unplugged = results.Components.Values.Where(c => c.Kind == SriovNic.ComponentKind)
            .Sum(n => n.Values.Where(kv => kv.Key.EndsWith("_unplug_drops", StringComparison.Ordinal)).Sum(kv => kv.Value)) + Sum("unplugged_rx_drops");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"bonds    {bonds.Count} VMs: {Sum("failovers"):N0} failovers, {Sum("active_changes") - Sum("failovers"):N0} failbacks; sent {Sum("vf_tx_packets"):N0} "
            + $"through VFs, {Sum("backup_tx_packets"):N0} through backups; lost {unplugged:N0} at VF unplugs, {Sum("inactive_rx_drops"):N0} on inactive slaves");
    }

    /// <summary>With SR-IOV servers: how many VMs asking for a VF got one, and how many fell back to a vNIC on the vm-switch.</summary>
    private static void AppendVfAssignment(StringBuilder sb, ResultsBuilder results)
    {
        var servers = results.Components.Values.Where(c => c.Kind == VfAssignment.ComponentKind).ToList();
        if (servers.Count == 0) return;
        var fellBack = servers.Where(c => c["fallback_vms"] > 0).Select(c => c.Path[..c.Path.LastIndexOf('/')]).ToList();
        var where = fellBack.Count == 0 ? "" : $" (on {string.Join(", ", fellBack.Take(5))}{(fellBack.Count > 5 ? ", ..." : "")}; see SERVER/vf-assignment)";
        sb.AppendLine(CultureInfo.InvariantCulture, $"sr-iov   {servers.Sum(c => c["vf_vms"]):N0} VMs with a VF, {servers.Sum(c => c["fallback_vms"]):N0} fell back to the vm-switch{where}");
    }

    /// <summary>The udp-rr loops: round trip and rate as simulated, beside a published round trip where the scenario gives one.</summary>
    private static void AppendRrTable(StringBuilder sb, ScenarioSettings scenario, ResultsBuilder results)
    {
        var rows = UdpRrResults.Rows(results).ToList();
        if (rows.Count == 0) return;
        sb.AppendLine("rr       loop                      rtt mean us   transactions/s   published rtt us   difference");
        foreach (var r in rows)
        {
            var g = scenario.Datacenter().Generators[r.Generator];
            var (labelText, publishedPs) = r.Protocol == "tcp" ? (g.TcpRr.Label, g.TcpRr.PublishedRttPs) : (g.UdpRr.Label, g.UdpRr.PublishedRttPs);
            var label = labelText.Length > 0 ? labelText : $"gen{r.Generator} {r.Client}->{r.Server}";
            var mean = r.RoundTrips.MeanPs / 1e6;
            var published = publishedPs / 1e6;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"         {label,-25} {mean,11:0.00} {r.TransactionsPerSecond,16:N0}   {(published > 0 ? published.ToString("0.00", CultureInfo.InvariantCulture) : "-"),16}   {(published > 0 ? ((mean - published) / published).ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "-"),10}");
        }
    }
}
