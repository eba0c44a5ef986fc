using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Samples the congestion window of a generator's open connections every interval (on the generator's toggle timer), into the series
/// "cwnd/FLOW" of the results (cwnd.csv): the sawtooth a TCP comparison plots.
/// </summary>
internal sealed class CwndTrace(IEndpoint host, int app, long intervalPs)
{
    private readonly List<(TcpConnection Connection, List<(long Time, long Value)> Points)> _followed = [];
    private bool _armed;

    public void Follow(TcpConnection connection)
    {
        _followed.Add((connection, []));
        if (_armed) return;
        _armed = true;
        host.SetAppTimer(host.Now, app, AppTimer.Toggle, 0);
    }

    public void Sample()
    {
        var alive = false;
        foreach (var (c, points) in _followed)
        {
            if (c.State is TcpState.Closed or TcpState.SynSent) continue;
            alive = true;
            points.Add((host.Now, c.Cwnd));
        }
        if (alive || _followed.Any(f => f.Connection.State == TcpState.SynSent)) host.SetAppTimer(host.Now + intervalPs, app, AppTimer.Toggle, 0);
        else _armed = false;
    }

    public void Report(ResultsBuilder results)
    {
        foreach (var (c, points) in _followed)
            if (points.Count > 0) results.SeriesOf(TcpResults.CwndSeries(c.FlowId)).AddRange(points);
    }
}
