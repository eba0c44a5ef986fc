using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.ActorsHost.Tests.TcpModel;

/// <summary>
/// Bytes and packets of TCP traffic under losses: every completed flow delivers exactly its size to the application, and every packet
/// (first transmission or retransmission, data or ACK) is delivered, dropped or still on its way; the same on 1 and 2 partitions.
/// </summary>
public sealed class TcpConservationSpec
{
    /// <summary>Facebook Hadoop flows, incast rounds, a bulk transfer and TCP_RR behind 12-packet switch queues, ending mid-traffic.</summary>
    private const string Lossy = """
        seed = 11
        duration = 4ms
        topology {
          spines = 2
          leaves = 2
          hosts-per-leaf = 4
          switch-queue { limit = 12, unit = packets }
        }
        servers.stack-costs = free
        tcp { congestion-control = newreno, min-rto = 1ms, initial-rto = 2ms }
        traffic.generators = [
          { kind = tcp-flows, hosts = ["0-5"], rate = 3Gbps, flow-size-cdf = "cdf/fbhdp.txt" }
          { kind = incast, hosts = ["1-7"], destination = incast, target = 0, incast { response-size = 30KB } }
          { kind = tcp-bulk, hosts = [6], destination = fixed, target = 2, tcp-bulk.flow-size = 3MB }
          { kind = tcp-rr, hosts = [7], destination = fixed, target = 3 }
        ]
        """;

    private static TcpRun Run(int partitions) => TcpRun.Of(Lossy, partitions);

    [Fact]
    public void Completed_flows_must_deliver_exactly_their_size_and_every_packet_must_be_accounted_for()
    {
        // act
        var run = Run(partitions: 1);
        var summary = new RunSummary(run.Results);

        // assert: the load loses packets and retransmits, and the run ends with flows unfinished
        Assert.True(summary.DroppedPackets > 0, "the scenario must overflow some queue");
        Assert.True(run.Total(TcpResults.Retransmissions) > 0);
        Assert.True(summary.InFlightPackets > 0, "the run must end with packets on the way");
        var sized = run.Connections.Where(c => c[TcpResults.Size] > 0).ToList();
        var completed = sized.Where(c => c.Values.ContainsKey(TcpResults.CompletedPs)).ToList();
        Assert.True(completed.Count >= 10, $"only {completed.Count} flows completed");
        Assert.True(completed.Count < sized.Count, "some flows must still be running at the end");
        Assert.All(completed, c => Assert.Equal(c[TcpResults.Size], c[TcpResults.BytesReceived]));
        Assert.All(sized, c => Assert.InRange(c[TcpResults.BytesReceived], 0, c[TcpResults.Size]));
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
    }

    [Fact]
    public void A_TCP_run_must_repeat_exactly_and_give_the_same_results_on_two_partitions()
    {
        // act
        var one = ResultsCodec.Encode(Run(partitions: 1).Results);
        var again = ResultsCodec.Encode(Run(partitions: 1).Results);
        var two = ResultsCodec.Encode(Run(partitions: 2).Results);

        // assert
        Assert.Equal(one, again);
        Assert.Equal(one, two);
    }
}
