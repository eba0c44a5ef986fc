using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Incast (partition/aggregate): runs on the target, which opens one connection to each of the generator's hosts and, once all are up, asks
/// them all at once — each request delayed by a uniform draw in [0, jitter] — for response-size bytes each; the round ends when the last byte
/// of the last answer is in, and the next begins at once, rounds times (0: until stop). Each round's query completion time goes to the
/// histogram <see cref="TrafficHistograms.IncastCompletion"/> and the series <see cref="TrafficHistograms.IncastRounds"/>.
/// </summary>
internal sealed class IncastGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TcpClientGenerator(host, localIndex, settings, destinations, seed)
{
    /// <summary>Bytes of this round's answer read, by connection (looked up only: rounds walk <see cref="TcpClientGenerator.Transfers"/>, in opening order).</summary>
    private readonly Dictionary<TcpConnection, long> _received = new(ReferenceEqualityComparer.Instance);
    private readonly List<(long Start, long Completion)> _rounds = [];
    private int _connected, _answered;
    private long _roundStart = -1;
    private LatencyHistogram? _completions;

    private IEnumerable<int> Senders => Settings.Hosts.Where(h => h != Host.Address.Id);

    protected override bool HasWork => Senders.Any();

    protected override void OnStart() => FireAt(StartTime);

    public override void OnFire(int epoch)
    {
        foreach (var sender in Senders) _received[Open(sender, 0)] = 0;
    }

    public override void Connected(TcpConnection connection)
    {
        if (++_connected == Transfers.Count) StartRound();
    }

    public override void Received(TcpConnection connection, long bytes)
    {
        var before = _received[connection];
        var now = _received[connection] = before + bytes;
        var response = Settings.Incast.ResponseBytes;
        if (before < response && now >= response && ++_answered == Transfers.Count) EndRound();
    }

    private void StartRound()
    {
        if (Host.Now >= StopTime || !Host.IsRunning || (Settings.Incast.Rounds > 0 && _rounds.Count >= Settings.Incast.Rounds))
        {
            foreach (var t in Transfers) t.Connection.Close();
            return;
        }
        _roundStart = Host.Now;
        _answered = 0;
        foreach (var t in Transfers)
        {
            var c = t.Connection;
            _received[c] = 0;
            var jitter = Settings.Incast.JitterPs;
            if (jitter == 0) c.Write(Settings.Incast.RequestBytes);
            else Host.At(Host.Now + (long)(Rng.NextDouble() * jitter), () => c.Write(Settings.Incast.RequestBytes));
        }
    }

    private void EndRound()
    {
        var completion = Host.Now - _roundStart;
        _rounds.Add((_roundStart, completion));
        (_completions ??= new LatencyHistogram(3)).Record(completion);
        StartRound();
    }

    protected override void ReportApplication(ResultsBuilder results, string endpointPath)
    {
        if (_completions is null) return;
        results.Histogram(TrafficHistograms.IncastCompletion(Settings.Index), Host.Address.Id).Add(_completions);
        ReportRounds(results);
    }

    public override void SnapshotSeries(ResultsBuilder results)
    {
        base.SnapshotSeries(results);
        if (_rounds.Count > 0) ReportRounds(results);
    }

    private void ReportRounds(ResultsBuilder results) => results.SeriesOf(TrafficHistograms.IncastRounds(Settings.Index)).AddRange(_rounds);
}
