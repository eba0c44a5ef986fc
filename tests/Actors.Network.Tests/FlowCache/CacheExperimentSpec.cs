using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.FlowCache;

public sealed class CacheExperimentSpec
{
    /// <summary>A slow path whose megaflows are exact on the destination port: one megaflow per flow.</summary>
    private sealed class PerFlowSlowPath : ISlowPath<DatapathActions>
    {
        public (DatapathActions Actions, FlowKey Mask) Translate(in FlowKey key, long now)
        {
            var mask = new FlowKey();
            mask.Exact(FlowField.TpDst);
            return (new DatapathActions([new DpOutput(1)]), mask);
        }
    }

    private static FlowKey Flow(int index, Rng rng)
    {
        var k = new FlowKey();
        k.Set(FlowField.TpDst, (ulong)index);
        return k;
    }

    private static CacheExperimentResult Run(int flows, int flowLimit, long pps = 200_000) =>
        new CacheExperiment(CacheExperimentSettings.Defaults(DatapathProfile.KernelDefaults with { FlowLimit = flowLimit }, flows) with
        {
            PacketsPerSecond = pps, DurationPs = 200 * SimTime.Millisecond, WarmupPs = 200 * SimTime.Millisecond,
        }, new PerFlowSlowPath(), Flow).Run();

    [Fact]
    public void Flows_that_fit_the_cache_must_hit_after_warm_up()
    {
        var r = Run(flows: 100, flowLimit: 1_000);
        Assert.Equal(1.0, r.MegaflowHitRate);
        Assert.Equal(0, r.LostUpcalls);
        Assert.Equal(100, r.MegaflowsAtEnd);
        Assert.Equal(r.Packets, r.Delivered);
        Assert.Equal(1_100, r.CyclesPerPacket, 3);
    }

    [Fact]
    public void More_flows_than_the_flow_limit_must_upcall_and_saturate_the_handlers()
    {
        // 20,000 flows over a limit of 1,000: most packets miss and nothing more is installed, so a handler
        // spends 20,000 (translation) + 100 (one mask probed) cycles per upcall: 2 handlers at 2.5 GHz
        // manage 2 x 2.5e9 / 20,100 = 248,756 upcalls/s, well below the 400,000 pps offered
        var r = Run(flows: 20_000, flowLimit: 1_000, pps: 400_000);
        Assert.True(r.UpcallRate > 0.9, $"upcall rate {r.UpcallRate}");
        Assert.True(r.MegaflowsAtEnd <= 1_000);
        Assert.True(r.HandlerCpu > 0.95, $"handler cpu {r.HandlerCpu}");
        Assert.True(r.LostUpcalls > 0);
        Assert.InRange(r.UpcallsPerSecond, 0.995 * 248_756, 1.005 * 248_756);
        Assert.True(r.DeliveredPacketsPerSecond < 0.75 * 400_000, $"delivered {r.DeliveredPacketsPerSecond}");
    }

    [Fact]
    public void The_same_settings_must_give_the_same_numbers()
    {
        Assert.Equal(Run(5_000, 1_000), Run(5_000, 1_000));
    }
}
