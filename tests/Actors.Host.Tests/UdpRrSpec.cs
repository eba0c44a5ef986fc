using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>
/// The udp-rr closed loop (netperf UDP_RR). On an idle path a transaction takes exactly the round trip worked out
/// from the standards, as in <see cref="WirePathSpec"/> (request and response each store-and-forward over every
/// link, plus the service time), so transactions per second must be exactly its inverse. Under loss, every
/// transaction ends either by its response or by the timeout, and the loop goes on.
/// </summary>
public sealed class UdpRrSpec
{
    private const long PicosecondsPerSecond = 1_000_000_000_000;
    private const long LinkDelayPs = SimTime.Microsecond; // TestScenarios.Fabric's links

    /// <summary>One way over the fabric: two host links, and two fabric links when the hosts are on different leaves.</summary>
    private static long OneWayPs(int payloadBytes, bool sameLeaf) =>
        2 * (WirePathSpec.LineTimePs(payloadBytes, 10_000_000_000) + LinkDelayPs)
        + (sameLeaf ? 0 : 2 * (WirePathSpec.LineTimePs(payloadBytes, 40_000_000_000) + LinkDelayPs));

    private static UdpRrRow Client(ResultsBuilder results, int client) => UdpRrResults.Rows(results).Single(r => r.Client == client);

    [Theory]
    // request, response, service time, server (hosts 0, 1 on leaf 0; 2, 3 on leaf 1)
    [InlineData(100, 200, 0L, 1)]            // netperf -r 100,200 on one leaf: 4.6912 us, 213,165.9 transactions/s
    [InlineData(100, 200, 0L, 2)]            // over a spine
    [InlineData(1000, 10, 5_000_000L, 3)]    // other sizes (a 64 B minimum frame back) and a 5 us service time
    public void Transactions_per_second_must_be_exactly_one_over_the_round_trip_when_the_path_is_idle(
        int requestBytes, int responseBytes, long servicePs, int server)
    {
        // arrange: host 0 runs the loop for 1 ms; the run lasts 2 ms so the last transaction ends
        var stop = SimTime.Millisecond;
        var scenario = TestScenarios.Scenario(TestScenarios.Fabric(1, 2, 2), 2 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.UdpRr, [0], 1, 1000, stop, DestinationPattern.Fixed, target: server,
                udpRr: TestScenarios.UdpRr(requestBytes, responseBytes, servicePs)));
        var sameLeaf = server == 1;
        var roundTrip = OneWayPs(requestBytes, sameLeaf) + servicePs + OneWayPs(responseBytes, sameLeaf);
        // transaction k starts at k x roundTrip, while that is before stop
        var expected = (stop + roundTrip - 1) / roundTrip;

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert
        var r = Client(results, 0);
        Assert.Equal((0, server), (r.Generator, r.Server));
        Assert.Equal(expected, r.Transactions);
        Assert.Equal(expected, r.Requests);
        Assert.Equal((0L, 0L), (r.Lost, r.Late));
        Assert.Equal((roundTrip, roundTrip), (r.RoundTrips.MinPs, r.RoundTrips.MaxPs));
        Assert.Equal(expected * roundTrip, r.ActivePs);
        Assert.Equal(PicosecondsPerSecond / (double)roundTrip, r.TransactionsPerSecond, 1e-9 * r.TransactionsPerSecond);
    }

    [Fact]
    public void Transactions_in_flight_must_share_the_client_link_when_several_are_outstanding()
    {
        // arrange: 4 transactions at once on one leaf; requests leave back to back, so transaction i waits for i request
        // frames ahead of it at host 0's NIC, and its response for the i responses ahead of it at the leaf's port to host 0
        var scenario = TestScenarios.Scenario(TestScenarios.Fabric(1, 2, 2), 2 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.UdpRr, [0], 1, 1000, SimTime.Millisecond, DestinationPattern.Fixed, target: 1,
                udpRr: TestScenarios.UdpRr(inFlight: 4)));
        var single = OneWayPs(100, true) + OneWayPs(200, true);

        // act
        var r = Client(InProcessRun.Run(FabricModel.Instance, scenario), 0);

        // assert: the first transaction sees an idle path; the loop keeps 4 outstanding, so it beats one at a time by far
        Assert.Equal(single, r.RoundTrips.MinPs);
        Assert.True(r.RoundTrips.MaxPs > single, "later transactions queue behind earlier ones");
        Assert.Equal(0, r.Lost);
        Assert.InRange(r.Requests - r.Transactions, 0, 4);
        Assert.True(r.TransactionsPerSecond > 3 * PicosecondsPerSecond / (double)single, $"{r.TransactionsPerSecond} transactions/s");
    }

    /// <summary>
    /// Host 0 runs the loop with host 1; hosts 2 and 3 flood host 0 at 9 Gb/s each through a 2-packet switch queue,
    /// so responses to host 0 are dropped at the leaf while requests (which meet no other traffic) always arrive.
    /// </summary>
    private static ResultsBuilder RunWithDroppedResponses(long timeoutPs)
    {
        var stop = SimTime.Millisecond;
        var topology = TestScenarios.Fabric(1, 2, 2, switchQueue: new QueueLimit(QueueLimitUnit.Packets, 2));
        return InProcessRun.Run(FabricModel.Instance, TestScenarios.Scenario(topology, 2 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.UdpRr, [0], 1, 1000, stop, DestinationPattern.Fixed, target: 1, index: 0,
                udpRr: TestScenarios.UdpRr(timeoutPs: timeoutPs)),
            TestScenarios.Generator(GeneratorKind.Cbr, [2, 3], 9_000_000_000, 1000, stop, DestinationPattern.Fixed, target: 0, index: 1)));
    }

    [Fact]
    public void A_dropped_response_must_count_one_lost_transaction_and_the_loop_must_go_on_after_the_timeout()
    {
        // act
        const long timeout = 50 * SimTime.Microsecond;
        var results = RunWithDroppedResponses(timeout);

        // assert
        var r = Client(results, 0);
        var requests = results.Flows.Values.Single(f => f.Source == 0 && f.Generator == 0);
        var responses = results.Flows.Values.Single(f => f.Source == 1 && f.Generator == ResponseServer.ResponseGeneratorId(0));
        Assert.Equal(0, requests.DroppedPackets);
        Assert.True(responses.DroppedPackets >= 3, $"only {responses.DroppedPackets} responses dropped");
        // every drop is a lost transaction, so the loop went on after each (a stalled loop loses one at most)
        Assert.Equal(responses.DroppedPackets, r.Lost);
        Assert.Equal(responses.DeliveredPackets, r.Transactions);
        Assert.Equal(0, r.Late);
        Assert.Equal(r.Requests, r.Transactions + r.Lost);
        // one at a time, each transaction ends by its response or its timeout, and the next starts then
        Assert.Equal((long)r.RoundTrips.SumPs + r.Lost * timeout, r.ActivePs);
    }

    [Fact]
    public void A_dropped_response_must_stall_the_loop_to_the_end_when_there_is_no_timeout()
    {
        // act: timeout = 0 is netperf's behaviour
        var r = Client(RunWithDroppedResponses(timeoutPs: 0), 0);

        // assert: the transaction whose response was dropped is never ended
        Assert.Equal(0, r.Lost);
        Assert.Equal(r.Transactions + 1, r.Requests);
        Assert.True(r.Transactions < 100, $"{r.Transactions} transactions: the loop must have stalled");
    }
}
