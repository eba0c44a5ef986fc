using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tests;

/// <summary>Scenarios built in code, so model tests do not depend on the HOCON loader.</summary>
internal static class TestScenarios
{
    public static TopologySettings Fabric(int spines, int leaves, int hostsPerLeaf, long hostRateBps = 10_000_000_000,
        long fabricRateBps = 40_000_000_000, QueueLimit? hostQueue = null, QueueLimit? switchQueue = null) =>
        new(spines, leaves, hostsPerLeaf,
            new LinkSettings(new DataRate(hostRateBps), SimTime.Microsecond),
            new LinkSettings(new DataRate(fabricRateBps), SimTime.Microsecond),
            new QueueSettings(hostQueue ?? new QueueLimit(QueueLimitUnit.Packets, 1000), EcnMarking.Off),
            new QueueSettings(switchQueue ?? new QueueLimit(QueueLimitUnit.Bytes, 1_000_000), EcnMarking.Off));

    public static GeneratorSettings Generator(GeneratorKind kind, IReadOnlyList<int> hosts, long rateBps, int packetBytes,
        long stopPs, DestinationPattern destination = DestinationPattern.Random, int target = 0,
        SizeDistribution sizes = SizeDistribution.Fixed, int index = 0, FlowSizeCdf? flowSizes = null,
        RequestResponseSettings? requestResponse = null, OnOffSettings? onOff = null, UdpRrSettings? udpRr = null) =>
        new(index, kind, hosts, new DataRate(rateBps), packetBytes, sizes, destination, target, flowSizes, 0, stopPs,
            onOff ?? new OnOffSettings(SimTime.Millisecond, SimTime.Millisecond, PeriodDistribution.Exponential),
            requestResponse ?? new RequestResponseSettings(100, 10_000, null, 10 * SimTime.Microsecond, PeriodDistribution.Exponential),
            udpRr ?? UdpRr());

    /// <summary>The reference defaults of udp-rr (netperf -r 100,200), with any of them changed.</summary>
    public static UdpRrSettings UdpRr(int requestBytes = 100, int responseBytes = 200, long servicePs = 0, int inFlight = 1, long timeoutPs = 10 * SimTime.Millisecond) =>
        new(requestBytes, responseBytes, servicePs, inFlight, timeoutPs);

    /// <summary>8 cores at 2.5 GHz without a vSwitch, as reference.conf has them, without C-states (exact times in tests).</summary>
    public static HostSettings Server { get; } = new(8, 2_500_000_000, 0, 0, VSwitchOptions.Defaults);

    public static ScenarioSettings Scenario(TopologySettings topology, long durationPs, ulong seed, params GeneratorSettings[] generators) =>
        Scenario(topology, Server, durationPs, seed, generators);

    public static ScenarioSettings Scenario(TopologySettings topology, HostSettings server, long durationPs, ulong seed, params GeneratorSettings[] generators) =>
        new("test", seed, durationPs, DatacenterReader.BareMetal(topology, server, generators, freeStacks: true), new KernelSettings(0, SimTime.Millisecond), "");

    /// <summary>The ../shared/bench workload: every host CBR 1000 B at 100 Mb/s to a random other host.</summary>
    public static ScenarioSettings BenchLike(int spines, int leaves, int hostsPerLeaf, long trafficPs, ulong seed = 1) =>
        Scenario(Fabric(spines, leaves, hostsPerLeaf), trafficPs + SimTime.Millisecond, seed,
            Generator(GeneratorKind.Cbr, Enumerable.Range(0, leaves * hostsPerLeaf).ToArray(), 100_000_000, 1000, trafficPs));
}
