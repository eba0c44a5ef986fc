using DcSim.ActorsHost.Tests.Scenario;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests.Capture;

/// <summary>
/// Captures in a run of the model: each captured port keeps as many frames as it transmitted (links.csv's count), in time order,
/// and the bytes do not depend on the partitioning or on checkpoints restored on the way; ports not named are not captured.
/// </summary>
public sealed class CaptureRunSpec
{
    // determinism.conf: UDP and TCP of every generator kind, VMs and containers, drops at 16-packet switch queues.
    private const string Capture = "pcap { points = [host1, \"leaf0->spine*\", \"host5->leaf1\"] }";

    [Fact]
    public void Captured_ports_must_keep_every_frame_they_sent_on_any_partitioning_and_across_checkpoints()
    {
        // arrange
        var scenario = ExampleScenarios.Load("determinism.conf", Capture);

        // act
        var one = InProcessRun.Run(FabricModel.Instance, scenario, 1);
        var three = InProcessRun.Run(FabricModel.Instance, scenario, 3);
        var next = 0L;
        var restored = InProcessRun.Run(FabricModel.Instance, scenario, 2, start =>
        {
            if (start < next) return false;
            next = start + 500 * SimTime.Microsecond;
            return true;
        });

        // assert
        Assert.Equal(["host1->leaf0", "host5->leaf1", "leaf0->host1", "leaf0->spine0", "leaf0->spine1"], one.Captures.Keys);
        foreach (var (port, frames) in one.Captures)
        {
            var link = one.Links.Values.Single(l => $"{l.From}->{l.To}" == port);
            Assert.Equal(link.TxPackets, frames.Seen);
            Assert.Equal(link.TxPackets, frames.Captured);
            Assert.Equal(three.Captures[port].Records, frames.Records);
            Assert.Equal(restored.Captures[port].Records, frames.Records);
        }
        Assert.Equal((658L, 897L), (one.Captures["host1->leaf0"].Seen, one.Captures["leaf0->host1"].Seen));
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(three));
    }

    [Fact]
    public void A_capture_must_stop_keeping_at_its_limit_and_leave_the_other_results_unchanged()
    {
        // arrange
        var plain = ExampleScenarios.Load("determinism.conf", "");
        var limited = ExampleScenarios.Load("determinism.conf", "pcap { points = [\"host5->leaf1\"], limit = 100 }");

        // act
        var without = InProcessRun.Run(FabricModel.Instance, plain, 1);
        var with = InProcessRun.Run(FabricModel.Instance, limited, 1);

        // assert: 100 of 1,968 frames kept, each record 16 B + up to 128 B, in time order
        var frames = with.Captures["host5->leaf1"];
        Assert.Equal((1_968L, 100, true), (frames.Seen, frames.Captured, frames.Cut));
        var times = new List<long>();
        for (var at = 0; at < frames.Records.Length; at += 16 + BitConverter.ToInt32(frames.Records, at + 8))
            times.Add(BitConverter.ToUInt32(frames.Records, at) * 1_000_000_000L + BitConverter.ToUInt32(frames.Records, at + 4));
        Assert.Equal(100, times.Count);
        Assert.Equal(times.Order(), times);
        with.Captures.Clear();
        Assert.Equal(ResultsCodec.Encode(without), ResultsCodec.Encode(with));
    }
}
