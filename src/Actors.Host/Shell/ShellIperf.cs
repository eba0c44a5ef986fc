using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Shell;

/// <summary>
/// <c>iperf SRC DST</c>: one TCP connection from SRC's endpoint to the sink on DST's <see cref="ShellApplications.IperfPort"/>, written
/// to as fast as TCP allows for the duration from the directive's time, as tcp-bulk does (<see cref="TcpBulkGenerator"/>); then it stops
/// writing, what the send buffer holds drains, and the connection closes. The throughput is the bytes acknowledged within the duration
/// over the duration; done once the duration is over.
/// </summary>
internal sealed class ShellIperf(IEndpoint endpoint, string path, long id, int destination, long durationPs) : IShellApplication, ITcpApplication
{
    private TcpConnection? _connection;
    private long _start;
    /// <summary>Bytes acknowledged when the duration ended (-1 before).</summary>
    private long _ackedInTime = -1;

    public string Path { get; } = path;

    public void Start()
    {
        _start = endpoint.Now;
        _connection = endpoint.Tcp.Connect(destination, ShellApplications.IperfPort, FlowIds.Make(endpoint.Address.Id, ShellApplications.Iperf, id), this);
        endpoint.At(_start + durationPs, Stop);
    }

    public void Connected(TcpConnection connection) => connection.Write(TcpBulkGenerator.Unlimited);

    public void PeerClosed(TcpConnection connection) => connection.Close();

    private void Stop()
    {
        _ackedInTime = _connection!.Stats.BytesAcked;
        _connection.StopWriting();
    }

    public void Write(ResultsBuilder results)
    {
        var c = results.Counters(Path, ShellApplications.IperfKind);
        var stats = _connection!.Stats;
        var acked = _ackedInTime >= 0 ? _ackedInTime : stats.BytesAcked;
        c["source"] = endpoint.Address.Id;
        c["destination"] = destination;
        c["flow"] = _connection.FlowId;
        c["start_ps"] = _start;
        c["end_ps"] = _start + durationPs;
        c["bytes_acked"] = acked;
        c["retransmitted_segments"] = stats.RetransmittedSegments;
        c["timeouts"] = stats.Timeouts;
        var elapsed = Math.Min(durationPs, endpoint.Now - _start);
        c["throughput_bps"] = elapsed > 0 ? (long)(acked * 8 * 1e12 / elapsed) : 0;
        c["done"] = _ackedInTime >= 0 ? 1 : 0;
    }
}
