using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using DcSim.ActorsHost;
using DcSim.Runner.Hosting;
using DcSim.Runner.Sweep;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.Runner.Tests.Hosting;

/// <summary>A cluster member's sweep worker: the results of a point it runs, in chunks that go back together, and its errors.</summary>
public sealed class SweepWorkerSpec() : TestKit(SweepSerializer.Binding)
{
    private static ScenarioSettings Point() => ScenarioLoader.Parse("""
        name = "point"
        seed = 5
        duration = 2ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [ { kind = cbr, rate = 300Mbps, packet-size = 700B, destination = random } ]
        """, "point.conf", ".", FabricModel.Instance);

    [Fact]
    public void Worker_must_send_the_results_of_a_local_run_in_chunks_that_assemble_to_the_same_bytes()
    {
        // arrange: chunks of 1 kB, so that even a tiny point comes in several
        var settings = Point();
        var expected = ResultsCodec.Encode(LocalPointRunner.RunPoint(settings));
        var worker = Sys.ActorOf(SweepWorker.Props(chunkBytes: 1000));

        // act
        worker.Tell(new RunPoint(7, 3, settings.ResolvedHocon, settings.BaseDirectory), TestActor);

        // assert
        Assert.Equal(new PointAccepted(7), ExpectMsg<PointAccepted>());
        var first = ExpectMsg<PointResultChunk>(TimeSpan.FromSeconds(30));
        Assert.Equal((expected.Length + 999) / 1000, first.Count);
        Assert.True(first.Count > 1, $"{expected.Length} bytes");
        var chunks = new List<PointResultChunk> { first };
        for (var i = 1; i < first.Count; i++) chunks.Add(ExpectMsg<PointResultChunk>());
        Assert.All(chunks, c => Assert.Equal(7, c.Attempt));
        // in any order
        var assembly = new PointResultAssembly();
        chunks.Reverse();
        var whole = chunks.Select(assembly.Add).ToList();
        Assert.All(whole[..^1], w => Assert.Null(w));
        Assert.Equal(expected, whole[^1]);
    }

    [Fact]
    public void Worker_must_answer_a_point_it_cannot_run_with_the_error_and_go_on_with_the_next()
    {
        // arrange
        var settings = Point();
        var worker = Sys.ActorOf(SweepWorker.Props());

        // act: a scenario the member cannot read, then a good point
        worker.Tell(new RunPoint(1, 1, "topology { spines = ", "."), TestActor);
        worker.Tell(new RunPoint(2, 2, settings.ResolvedHocon, settings.BaseDirectory), TestActor);

        // assert: both taken at once; the first fails with the reader's message, the second runs
        Assert.Equal(new PointAccepted(1), ExpectMsg<PointAccepted>());
        Assert.Equal(new PointAccepted(2), ExpectMsg<PointAccepted>());
        var failed = ExpectMsg<PointFailed>(TimeSpan.FromSeconds(30));
        Assert.Equal(1, failed.Attempt);
        Assert.Contains("<point 1 sent by the sweep>:1: topology.spines: syntax error", failed.Message);
        Assert.Equal(2, ExpectMsg<PointResultChunk>(TimeSpan.FromSeconds(30)).Attempt);
    }

    [Fact]
    public void Sweep_messages_must_go_through_the_binary_serializer_and_come_back_equal()
    {
        // arrange
        var serialization = Sys.Serialization;
        object[] messages =
        [
            new RunPoint(3, 12, "name = \"x\"\n", "/data/scenarios"),
            new PointAccepted(3),
            new PointResultChunk(3, 1, 2, 1_234_567, [1, 2, 3, 250]),
            new PointFailed(3, "point.conf:4: topology.spines: must be at least 1"),
        ];

        // act, assert
        foreach (var message in messages)
        {
            var serializer = Assert.IsType<SweepSerializer>(serialization.FindSerializerFor(message));
            var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
            if (message is PointResultChunk chunk)
            {
                var c = Assert.IsType<PointResultChunk>(back);
                Assert.Equal((chunk.Attempt, chunk.Index, chunk.Count, chunk.WallMicroseconds), (c.Attempt, c.Index, c.Count, c.WallMicroseconds));
                Assert.Equal(chunk.Bytes, c.Bytes);
            }
            else Assert.Equal(message, back);
        }
    }
}
