using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests;

public sealed class WirePathSpec
{
    [Fact]
    public void A_CBR_flow_over_an_idle_path_must_have_exactly_the_analytic_delay()
    {
        // arrange: host 0 (leaf 0) to host 2 (leaf 1): host link, two fabric links, host link
        var scenario = TestScenarios.Scenario(TestScenarios.Fabric(1, 2, 2), 2 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, SimTime.Millisecond, DestinationPattern.Fixed, target: 2));

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: wire bytes 1000 + 8 (UDP) + 20 (IPv4) + 18 (Ethernet) + 20 (preamble, gap) = 1066
        const long hostHop = 1066 * 8 * 100;   // ps at 10 Gb/s
        const long fabricHop = 1066 * 8 * 25;  // ps at 40 Gb/s
        const long expected = 2 * hostHop + 2 * fabricHop + 4 * SimTime.Microsecond;
        Assert.Equal(6_132_000, expected);
        var flow = results.Flows.Values.Single(f => f.Source == 0);
        Assert.InRange(flow.DeliveredPackets, 12, 13); // 1 ms of traffic at one packet per 80 us
        Assert.Equal(expected, flow.Latency!.MinPs);
        Assert.Equal(expected, flow.Latency.MaxPs);
    }
}
