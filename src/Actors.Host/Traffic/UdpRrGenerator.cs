using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// netperf UDP_RR on one client endpoint: a closed loop of transactions to one server (the destination, chosen
/// once). At start it sends transactions-in-flight requests; each response that comes back ends its transaction
/// and starts the next at once, until stop. The server side is the endpoint's <see cref="ResponseServer"/>.
/// </summary>
/// <remarks>
/// netperf neither retransmits nor times out: one lost datagram stalls its test. Here a transaction whose response
/// has not come back within the timeout is counted lost and the next one starts, so that a drop costs one timeout
/// instead of the rest of the run (timeout = 0 keeps netperf's stall). A response is matched to its transaction by
/// the request's creation time, which the server echoes (<see cref="SimCore.Wire.AppData.Stamp"/>): transactions
/// sent at the same tick also time out at the same tick, so which of them a response ends does not change any
/// figure. A response whose transaction has already timed out is counted late and ignored.
/// Transactions per second are taken over the active period, from start to the end of the last transaction
/// (response or timeout), so that a lossless loop of round trip R gives exactly 1 / R.
/// </remarks>
internal sealed class UdpRrGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TrafficGenerator(host, localIndex, settings, destinations, seed)
{
    /// <summary>The epoch of the start timer; a timeout timer carries its transaction's number, from 1.</summary>
    private const int StartEpoch = 0;

    /// <summary>Outstanding transactions in sending order: at most transactions-in-flight.</summary>
    private readonly List<(int Number, long SentAt)> _outstanding = [];
    private int _nextNumber = StartEpoch + 1;
    private long _requests;
    private long _transactions;
    private long _lost;
    private long _late;
    private long _lastEnd;
    /// <summary>Created at the first transaction; 2 significant digits (~13 KB), as per-flow histograms, since every client has one.</summary>
    private LatencyHistogram? _roundTrips;

    private UdpRrSettings Rr => Settings.UdpRr;

    /// <summary>When the loop began: the generator's start, or its endpoint's if that ran later (a VM's boot).</summary>
    private long _startedAt;

    protected override void OnStart()
    {
        _startedAt = StartTime;
        FireAt(_startedAt, StartEpoch);
    }

    public override void OnFire(int epoch)
    {
        if (epoch == StartEpoch)
        {
            for (var i = 0; i < Rr.TransactionsInFlight; i++) StartTransaction();
            return;
        }
        var at = IndexOf(epoch, bySentAt: false);
        if (at < 0) return; // its response came back in time
        _outstanding.RemoveAt(at);
        _lost++;
        EndTransaction();
    }

    /// <summary>The response to the request created at <paramref name="requestCreatedAt"/> arrived (its last byte, now).</summary>
    public void OnResponse(long requestCreatedAt)
    {
        var at = IndexOf(requestCreatedAt, bySentAt: true);
        if (at < 0)
        {
            _late++;
            return;
        }
        _outstanding.RemoveAt(at);
        _transactions++;
        (_roundTrips ??= new LatencyHistogram(2)).Record(Host.Now - requestCreatedAt);
        EndTransaction();
    }

    /// <summary>The first outstanding transaction with this number or sending time (a loop, not a lambda: no allocation per response), or -1.</summary>
    private int IndexOf(long key, bool bySentAt)
    {
        for (var i = 0; i < _outstanding.Count; i++)
            if ((bySentAt ? _outstanding[i].SentAt : _outstanding[i].Number) == key) return i;
        return -1;
    }

    private void EndTransaction()
    {
        _lastEnd = Host.Now;
        StartTransaction();
    }

    private void StartTransaction()
    {
        if (Host.Now >= StopTime || !Host.IsRunning) return;
        var number = _nextNumber++;
        Emit(Rr.RequestBytes, AppKind.Request);
        _requests++;
        _outstanding.Add((number, Host.Now));
        if (Rr.TimeoutPs > 0) FireAt(Host.Now + Rr.TimeoutPs, number);
    }

    public override void Report(ResultsBuilder results, string endpointPath)
    {
        if (_requests == 0) return;
        var c = results.Counters($"{endpointPath}/gen{Settings.Index}", UdpRrResults.Kind);
        c[UdpRrResults.Generator] = Settings.Index;
        c[UdpRrResults.Client] = Host.Address.Id;
        c[UdpRrResults.Server] = Flows.Destination;
        c[UdpRrResults.Requests] = _requests;
        c[UdpRrResults.Transactions] = _transactions;
        c[UdpRrResults.Lost] = _lost;
        c[UdpRrResults.Late] = _late;
        c[UdpRrResults.ActivePs] = _lastEnd > _startedAt ? _lastEnd - _startedAt : 0;
        if (_roundTrips is not null) results.Histogram(TrafficHistograms.RoundTrip(Settings.Index), Host.Address.Id).Add(_roundTrips);
    }
}
