using System.Globalization;
using System.Text;
using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;

namespace DcSim.Runner.Results;

/// <summary>endpoints.csv (one row per network stack: servers', VMs', containers') and cores.csv (each core's busy time).</summary>
internal static partial class ResultFiles
{
    /// <summary>One row per endpoint (<see cref="EndpointResults.Rows"/>), in endpoint-id order; latencies in µs.</summary>
    public static string EndpointsCsv(ResultsBuilder results)
    {
        var sb = new StringBuilder();
        sb.Append("endpoint,path,name,kind,server,state,startup_ps,sent_packets,sent_bytes,delivered_packets,delivered_bytes,")
          .Append("dropped_packets,dropped_down,latency_mean_us,latency_p50_us,latency_p99_us,drop_locations\n");
        foreach (var e in EndpointResults.Rows(results))
        {
            var h = e.Latency;
            sb.Append(CultureInfo.InvariantCulture, $"{e.Endpoint},{e.Path},{e.Name},{e.Kind},{e.Server},{e.State},{e.StartupPs},")
              .Append(CultureInfo.InvariantCulture, $"{e.PacketsSent},{e.BytesSent},{e.PacketsDelivered},{e.BytesDelivered},{e.DroppedSent},{e.DroppedDown},")
              .Append(CultureInfo.InvariantCulture, $"{Round(h.MeanPs / 1e6)},{Round(h.PercentileNs(50) / 1e3)},{Round(h.PercentileNs(99) / 1e3)},")
              .Append(string.Join(';', e.DropsAt.Select(d => $"{d.Key}={d.Value}")))
              .Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>One row per core of every server, in server then core order: the share of the run it was busy in each category.</summary>
    public static string CoresCsv(ResultsBuilder results, long durationPs)
    {
        var sb = new StringBuilder();
        sb.Append("server,core,host_kernel_cpu,host_user_cpu,guest_kernel_cpu,guest_user_cpu,hypervisor_cpu,busy\n");
        foreach (var server in results.Components.Values.Where(c => c.Kind == "server"))
        {
            if (results.Components.GetValueOrDefault(Server.CoresPath(server.Path)) is not { } cores) continue;
            for (var core = 0; core < server["cores"]; core++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{server.Path},{core}");
                long busy = 0;
                foreach (var category in CpuCategories.All)
                {
                    var ps = cores[Server.CoreBusyCounter(core, category)];
                    busy += ps;
                    AppendFraction(sb, ps, durationPs);
                }
                AppendFraction(sb, busy, durationPs);
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>",FRACTION"; an idle core's zeros (most of a datacenter's cells) without formatting a double each.</summary>
    private static void AppendFraction(StringBuilder sb, long ps, long durationPs)
    {
        if (ps == 0) sb.Append(",0");
        else sb.Append(CultureInfo.InvariantCulture, $",{Fraction(ps, durationPs)}");
    }

    private static double Fraction(long ps, long durationPs) => durationPs <= 0 ? 0 : Round((double)ps / durationPs);
}
