using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>
/// The wire model against queueing theory: a Poisson source on host 0 feeding its NIC queue
/// (10 Gb/s), traffic to host 1 on the same leaf. The NIC port's measured mean wait is compared with
/// the Pollaczek–Khinchine value for its exact service-time law, and loss with M/M/1/K.
/// </summary>
public sealed class QueueingTheorySpec
{
    private const long LinkBps = 10_000_000_000;

    private static (LinkStats Nic, ScenarioSettings Scenario) RunPoisson(double rho, int payloadBytes, SizeDistribution sizes,
        long packets, QueueLimit? hostQueue = null, ulong seed = 7)
    {
        var meanService = MeanServiceSeconds(payloadBytes, sizes);
        var lambda = rho / meanService;
        var meanPayloadBits = sizes == SizeDistribution.Fixed ? payloadBytes * 8.0 : MeanPayload(payloadBytes) * 8;
        var rate = (long)Math.Round(lambda * meanPayloadBits);
        var duration = (long)(packets / lambda * SimTime.Second);
        var topology = TestScenarios.Fabric(1, 1, 2, hostQueue: hostQueue ?? new QueueLimit(QueueLimitUnit.Packets, 1_000_000));
        var scenario = TestScenarios.Scenario(topology, duration, seed,
            TestScenarios.Generator(GeneratorKind.Poisson, [0], rate, payloadBytes, duration, DestinationPattern.Fixed, target: 1, sizes: sizes));
        var results = InProcessRun.Run(FabricModel.Instance, scenario);
        return (results.Links.Values.Single(l => l.From == "host0"), scenario);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Fixed_size_packets_must_wait_as_MD1_predicts(double rho)
    {
        // arrange
        var s = ServiceSeconds(Ethernet.WireBytes(1000));

        // act
        var (nic, scenario) = RunPoisson(rho, 1000, SizeDistribution.Fixed, packets: rho < 0.8 ? 400_000 : 4_000_000);

        // assert
        var lambda = nic.TxPackets / SimTime.ToSeconds(scenario.DurationPs);
        var actualRho = lambda * s;
        var expectedWait = actualRho * s / (2 * (1 - actualRho));
        var measured = nic.MeanWaitPs / SimTime.Second;
        Assert.InRange(measured / expectedWait, 0.98, 1.02);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Exponential_size_packets_must_wait_as_MM1_predicts(double rho)
    {
        // arrange: a 10 kB mean makes the fixed framing (66 B) and the 64 kB UDP cap negligible
        const int meanPayload = 10_000;
        var (es, es2) = ServiceMoments(meanPayload);

        // act
        var (nic, scenario) = RunPoisson(rho, meanPayload, SizeDistribution.Exponential, packets: rho < 0.8 ? 400_000 : 3_000_000);

        // assert
        var lambda = nic.TxPackets / SimTime.ToSeconds(scenario.DurationPs);
        var actualRho = lambda * es;
        var mm1 = actualRho * es / (1 - actualRho);
        var pollaczekKhinchine = lambda * es2 / (2 * (1 - actualRho));
        var measured = nic.MeanWaitPs / SimTime.Second;
        Assert.InRange(measured / mm1, 0.98, 1.02);
        Assert.InRange(measured / pollaczekKhinchine, 0.98, 1.02);
    }

    [Fact]
    public void A_full_queue_must_lose_packets_as_MM1K_predicts()
    {
        // arrange: K = 10 in the system = 9 waiting + 1 in service
        const int meanPayload = 10_000;
        const int k = 10;
        const double rho = 0.9;

        // act
        var (nic, _) = RunPoisson(rho, meanPayload, SizeDistribution.Exponential, packets: 2_000_000,
            hostQueue: new QueueLimit(QueueLimitUnit.Packets, k - 1));

        // assert
        var offered = nic.TxPackets + nic.DroppedPackets;
        var measuredLoss = (double)nic.DroppedPackets / offered;
        var expectedLoss = (1 - rho) * Math.Pow(rho, k) / (1 - Math.Pow(rho, k + 1));
        Assert.InRange(measuredLoss / expectedLoss, 0.95, 1.05);
    }

    private static double ServiceSeconds(long wireBytes) => wireBytes * 8.0 / LinkBps;

    private static double MeanServiceSeconds(int payloadBytes, SizeDistribution sizes) =>
        sizes == SizeDistribution.Fixed ? ServiceSeconds(Ethernet.WireBytes(payloadBytes)) : ServiceMoments(payloadBytes).Mean;

    /// <summary>Mean payload of the generator's exponential law as drawn: rounded, clamped to [1, 65507].</summary>
    private static double MeanPayload(int mean) => Distribution(mean).Sum(p => p.Bytes * p.Probability);

    /// <summary>E[S] and E[S²] of the service time for exponential payloads, framing included.</summary>
    private static (double Mean, double SecondMoment) ServiceMoments(int mean)
    {
        double m1 = 0, m2 = 0;
        foreach (var (bytes, p) in Distribution(mean))
        {
            var s = ServiceSeconds(Ethernet.WireBytes(bytes));
            m1 += p * s;
            m2 += p * s * s;
        }
        return (m1, m2);
    }

    private static IEnumerable<(int Bytes, double Probability)> Distribution(int mean)
    {
        double Cdf(double x) => x <= 0 ? 0 : 1 - Math.Exp(-x / mean);
        for (var b = 1; b <= 65_507; b++)
        {
            var lo = b == 1 ? 0 : Cdf(b - 0.5);
            var hi = b == 65_507 ? 1 : Cdf(b + 0.5);
            yield return (b, hi - lo);
        }
    }
}
