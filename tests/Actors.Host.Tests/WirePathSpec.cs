using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>
/// On an idle path every packet of a flow must take exactly the store-and-forward delay: for each link, the frame's
/// line time at the link's rate plus the link's propagation delay. The oracle is written here from the standards
/// (UDP 8 B, IPv4 20 B, Ethernet 18 B padded to a 64 B frame, 8 B preamble + 12 B gap), not from the model's code.
/// </summary>
public sealed class WirePathSpec
{
    private const long PicosecondsPerSecond = 1_000_000_000_000;

    /// <summary>Line time of a UDP payload's frame at <paramref name="rateBps"/>, from the standards (other specs build their oracles on it).</summary>
    internal static long LineTimePs(int payloadBytes, long rateBps)
    {
        var frameBytes = Math.Max(64, payloadBytes + 8 + 20 + 18);
        var bits = (frameBytes + 20) * 8L;
        Assert.True(bits * PicosecondsPerSecond % rateBps == 0, "choose rates that give whole picoseconds, so the formula needs no rounding rule");
        return bits * PicosecondsPerSecond / rateBps;
    }

    [Theory]
    // payload, host link rate and delay, fabric link rate and delay, destination (hosts 0, 1 on leaf 0; 2, 3 on leaf 1)
    [InlineData(1000, 10_000_000_000L, 1_000_000L, 40_000_000_000L, 1_000_000L, 2)]  // 6.132 us: 2 x 852.8 ns + 2 x 213.2 ns + 4 us
    [InlineData(1000, 10_000_000_000L, 1_000_000L, 40_000_000_000L, 1_000_000L, 1)]  // same leaf: two host links only
    [InlineData(10, 10_000_000_000L, 1_000_000L, 40_000_000_000L, 1_000_000L, 2)]    // 46 B frame padded to 64 B
    [InlineData(1472, 1_000_000_000L, 500_000L, 10_000_000_000L, 2_000_000L, 3)]     // full 1500 B IP packet, slower links, other delays
    public void A_CBR_flow_over_an_idle_path_must_have_exactly_the_analytic_delay(
        int payloadBytes, long hostRateBps, long hostDelayPs, long fabricRateBps, long fabricDelayPs, int destination)
    {
        // arrange: one spine, two leaves of two hosts; host 0 sends 100 Mb/s to one host, far below every link rate
        var topology = TestScenarios.Fabric(1, 2, 2) with
        {
            HostLink = new LinkSettings(new DataRate(hostRateBps), hostDelayPs),
            FabricLink = new LinkSettings(new DataRate(fabricRateBps), fabricDelayPs),
        };
        var scenario = TestScenarios.Scenario(topology, 2 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, payloadBytes, SimTime.Millisecond, DestinationPattern.Fixed, target: destination));
        var sameLeaf = destination / 2 == 0;
        var expected = 2 * (LineTimePs(payloadBytes, hostRateBps) + hostDelayPs)
            + (sameLeaf ? 0 : 2 * (LineTimePs(payloadBytes, fabricRateBps) + fabricDelayPs));

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: every packet arrived (1 ms of traffic, 1 ms to drain) and took exactly the analytic delay
        var flow = results.Flows.Values.Single(f => f.Source == 0);
        Assert.True(flow.SentPackets >= 5, $"only {flow.SentPackets} packets sent");
        Assert.Equal(flow.SentPackets, flow.DeliveredPackets);
        Assert.Equal(destination, flow.Destination);
        Assert.Equal(expected, flow.Latency!.MinPs);
        Assert.Equal(expected, flow.Latency.MaxPs);
    }
}
