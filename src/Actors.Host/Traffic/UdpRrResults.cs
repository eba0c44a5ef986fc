using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// How udp-rr clients report: each client (one generator on one endpoint) writes named counters under its path,
/// "&lt;endpoint&gt;/gen&lt;generator&gt;", of kind <see cref="Kind"/>, and its round-trip times into the histogram family
/// <see cref="TrafficHistograms.RoundTrip"/> of its generator, keyed by its endpoint. <see cref="Rows"/> reads them back.
/// </summary>
public static class UdpRrResults
{
    public const string Kind = "udp-rr";
    /// <summary>A tcp-rr client's counters: the same names (its lost and late counts are always 0: TCP retransmits).</summary>
    public const string TcpKind = "tcp-rr";
    public const string Generator = "generator";
    public const string Client = "client_endpoint";
    public const string Server = "server_endpoint";
    public const string Requests = "requests";
    public const string Transactions = "transactions";
    public const string Lost = "lost";
    public const string Late = "late_responses";
    /// <summary>From the generator's start to the end of its last transaction (response or timeout), in ps.</summary>
    public const string ActivePs = "active_ps";

    /// <summary>One row per client, ordered by generator, then client endpoint.</summary>
    public static IEnumerable<UdpRrRow> Rows(ResultsBuilder results) =>
        results.Components.Values.Where(c => c.Kind is Kind or TcpKind)
            .Select(c => new UdpRrRow(c.Kind == Kind ? "udp" : "tcp", (int)c[Generator], (int)c[Client], (int)c[Server], c[Requests], c[Transactions], c[Lost], c[Late], c[ActivePs],
                results.Histograms.GetValueOrDefault(TrafficHistograms.RoundTrip((int)c[Generator]))?.GetValueOrDefault((int)c[Client]) ?? new LatencyHistogram(3)))
            .OrderBy(r => r.Generator).ThenBy(r => r.Client);
}

/// <summary>One udp-rr or tcp-rr client's results: requests sent, transactions completed, lost (timed out) and late responses.</summary>
public sealed record UdpRrRow(string Protocol, int Generator, int Client, int Server, long Requests, long Transactions, long Lost, long Late, long ActivePs,
    LatencyHistogram RoundTrips)
{
    /// <summary>Completed transactions over the active period (0 when nothing completed).</summary>
    public double TransactionsPerSecond => ActivePs == 0 ? 0 : Transactions / SimTime.ToSeconds(ActivePs);
}
