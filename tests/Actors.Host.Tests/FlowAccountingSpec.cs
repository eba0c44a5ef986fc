using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>
/// An endpoint tallies what it sends on its last flow in its own object and adds it to the flow later: whoever reads the flows (the
/// end-of-run report, the counters read between windows) must see every packet sent, on whichever flow, as if it were counted at once.
/// </summary>
public sealed class FlowAccountingSpec
{
    private static readonly long FlowA = FlowIds.Make(0, 0, 0), FlowB = FlowIds.Make(0, 1, 0);

    private static Packet Packet(long flow, int bytes, long createdAt) =>
        new() { FlowId = flow, PayloadBytes = bytes, CreatedAt = createdAt, SourceEndpoint = 0, DestinationEndpoint = 1 };

    private static void SendAlternating(ref FlowAccounting flows)
    {
        flows.Sent(Packet(FlowA, 100, 10), GeneratorKind.Cbr);
        flows.Sent(Packet(FlowA, 200, 20), GeneratorKind.Cbr);
        flows.Sent(Packet(FlowB, 50, 30), GeneratorKind.Poisson);
        flows.Sent(Packet(FlowA, 400, 40), GeneratorKind.Cbr);
    }

    [Fact]
    public void The_flows_read_must_count_every_packet_sent_including_those_on_the_last_flow()
    {
        // arrange
        var flows = new FlowAccounting();
        SendAlternating(ref flows);

        // act
        var byId = flows.Flows.ToDictionary(f => f.FlowId);

        // assert
        Assert.Equal((3, 700), (byId[FlowA].SentPackets, byId[FlowA].SentBytes));
        Assert.Equal((1, 50), (byId[FlowB].SentPackets, byId[FlowB].SentBytes));
        Assert.Equal((10, "cbr"), (byId[FlowA].FirstSentAt, byId[FlowA].Kind));
        Assert.Equal((30, "poisson"), (byId[FlowB].FirstSentAt, byId[FlowB].Kind));
    }

    [Fact]
    public void Reading_the_flows_between_sends_must_neither_lose_nor_repeat_a_packet()
    {
        // arrange: a read (the counters between windows) in the middle of a flow's packets
        var flows = new FlowAccounting();
        SendAlternating(ref flows);
        _ = flows.Flows.Sum(f => f.SentPackets);
        flows.Sent(Packet(FlowA, 800, 50), GeneratorKind.Cbr);

        // act
        var results = new ResultsBuilder();
        flows.Report(results);

        // assert
        Assert.Equal((4, 1500), (results.Flows[FlowA].SentPackets, results.Flows[FlowA].SentBytes));
        Assert.Equal((1, 50), (results.Flows[FlowB].SentPackets, results.Flows[FlowB].SentBytes));
    }

    [Fact]
    public void A_flow_sending_more_packets_than_the_tally_holds_must_count_every_one()
    {
        // arrange: the tally keeps packets from bit 40 of one long, bytes below, and hands them to the flow at 2^22 packets: 17,000,000
        // packets of the largest UDP payload on one flow (a 10 Gb/s flow's ~15 simulated minutes) would carry out of the long without that
        var flows = new FlowAccounting();
        var packet = Packet(FlowA, 65_507, 10);

        // act
        for (var i = 0; i < 17_000_000; i++) flows.Sent(packet, GeneratorKind.Cbr);
        var flow = flows.Flows.Single();

        // assert
        Assert.Equal((17_000_000L, 17_000_000L * 65_507), (flow.SentPackets, flow.SentBytes));
    }
}
