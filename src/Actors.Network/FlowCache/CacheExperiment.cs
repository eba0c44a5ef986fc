using DcSim.ActorsNetwork.Ovs;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>Settings of one cache-dynamics run: one server's vSwitch under N concurrent flows.</summary>
public sealed record CacheExperimentSettings(
    DatapathProfile Profile,
    int Flows,
    long PacketsPerSecond,
    int PacketBytes,
    long DurationPs,
    long WarmupPs,
    int Cores,
    long ClockHz,
    int DatapathCores,
    int HandlerCores,
    int RxRingPackets,
    long RevalidatePeriodPs,
    long MaxIdlePs,
    long MaxIdleOverLimitPs,
    long CyclesPerRevalidatedFlow,
    ulong Seed)
{
    /// <summary>
    /// Defaults: the server and vSwitch of reference.conf (cores and clock of topology.host-cpu; datapath and
    /// handler cores, revalidation and idle times of topology.vswitch); 1 Mpps of 64 B packets for 2 s after a
    /// 1 s warm-up, a 1,024-packet receive ring per datapath core (assumptions of this experiment).
    /// </summary>
    public static CacheExperimentSettings Defaults(DatapathProfile profile, int flows)
    {
        var v = VSwitchOptions.Defaults;
        var (cores, clockHz) = ServerCpuDefaults.Value;
        return new CacheExperimentSettings(
            profile, flows, PacketsPerSecond: 1_000_000, PacketBytes: 64, DurationPs: 2 * SimTime.Second, WarmupPs: SimTime.Second,
            cores, clockHz, v.DatapathCores, v.HandlerCores, RxRingPackets: 1_024,
            v.RevalidatePeriodPs, v.MaxIdlePs, v.MaxIdleOverLimitPs, v.CyclesPerRevalidatedFlow, Seed: 1);
    }

    /// <summary>topology.host-cpu of reference.conf, read once.</summary>
    private static readonly Lazy<(int Cores, long ClockHz)> ServerCpuDefaults = new(() => ScenarioDefaults.Read((root, _) =>
    {
        var cpu = root.Child("topology").Child("host-cpu");
        cpu.TryInt("cores", 1, int.MaxValue, out var cores);
        cpu.TryFrequency("clock", out var clock);
        return (cores, clock);
    }));
}

/// <summary>What one run measured (after the warm-up).</summary>
public sealed record CacheExperimentResult(
    int Flows,
    long Packets,
    long Delivered,
    long DroppedRxRing,
    long LostUpcalls,
    double ExactMatchHitRate,
    double MegaflowHitRate,
    double UpcallRate,
    double UpcallsPerSecond,
    double MasksPerPacket,
    double CyclesPerPacket,
    double DatapathCpu,
    double HandlerCpu,
    double DeliveredPacketsPerSecond,
    double MeanLatencyUs,
    int MegaflowsAtEnd,
    int MasksAtEnd);

/// <summary>
/// Drives one server's <see cref="VSwitch"/> with a stream of packets spread uniformly over N concurrent
/// flows: the vSwitch charges every step to the server's cores (fast path on the datapath cores by RSS
/// hash, upcalls on the handler cores through the bounded upcall queue, revalidation on the last core).
/// A packet that finds its receive ring full is dropped. Everything runs in virtual time from one seeded
/// stream, so the same settings give the same numbers.
/// </summary>
public sealed class CacheExperiment(CacheExperimentSettings settings, ISlowPath<DatapathActions> slowPath, Func<int, Rng, FlowKey> flowKey)
{
    public CacheExperimentResult Run()
    {
        var s = settings;
        var rng = RandomStreams.Create(s.Seed, s.Flows, "cache-experiment");
        var vswitch = new VSwitch(
            new VSwitchSettings(s.Profile, s.DatapathCores, s.HandlerCores, s.RevalidatePeriodPs, s.MaxIdlePs, s.MaxIdleOverLimitPs, s.CyclesPerRevalidatedFlow),
            slowPath, new ServerCpu(s.Cores, s.ClockHz), RandomStreams.Create(s.Seed, s.Flows, "datapath"));
        var fastCategory = s.Profile.Kind == DatapathKind.Netdev ? CpuCategory.HostUser : CpuCategory.HostKernel;
        var keys = new FlowKey[s.Flows];
        var hashes = new uint[s.Flows];
        for (var i = 0; i < s.Flows; i++)
        {
            keys[i] = flowKey(i, rng);
            hashes[i] = (uint)keys[i].GetHashCode();
        }
        var rings = Enumerable.Range(0, s.DatapathCores).Select(_ => new Queue<long>()).ToArray();
        var gap = SimTime.Second / s.PacketsPerSecond;
        var nextRevalidation = s.RevalidatePeriodPs;
        long packets = 0, delivered = 0, droppedRing = 0, lostUpcalls = 0, latencySum = 0, emc = 0, mega = 0, up = 0, cycles = 0;
        var measuring = false;
        for (var now = 0L; now < s.WarmupPs + s.DurationPs; now += gap)
        {
            if (!measuring && now >= s.WarmupPs)
            {
                measuring = true;
                vswitch.Cpu.ResetAccounting();
            }
            for (; now >= nextRevalidation; nextRevalidation += s.RevalidatePeriodPs) vswitch.Revalidate(nextRevalidation);
            var flow = rng.NextInt(s.Flows);
            var ring = rings[hashes[flow] % (uint)s.DatapathCores];
            while (ring.Count > 0 && ring.Peek() <= now) ring.Dequeue();
            if (measuring) packets++;
            if (ring.Count >= s.RxRingPackets)
            {
                if (measuring) droppedRing++;
                continue;
            }
            var verdict = vswitch.Process(in keys[flow], hashes[flow], s.PacketBytes, now);
            // The receive ring slot is free once the fast path is done with the packet (for an upcall: handed up).
            ring.Enqueue(verdict.FastPathDoneAt);
            if (!measuring) continue;
            cycles += verdict.Cycles;
            switch (verdict.Outcome)
            {
                case DatapathOutcome.ExactMatchHit: emc++; break;
                case DatapathOutcome.MegaflowHit: mega++; break;
                case DatapathOutcome.Upcall: up++; break;
                case DatapathOutcome.UpcallLost: lostUpcalls++; continue;
            }
            delivered++;
            latencySum += verdict.DoneAt - now;
        }
        var seconds = SimTime.ToSeconds(s.DurationPs);
        var processed = Math.Max(1, emc + mega + up + lostUpcalls);
        double Share(CpuCategory category, int from, int count)
        {
            long busy = 0;
            for (var c = from; c < from + count; c++) busy += vswitch.Cpu.BusyPs(c, category, s.DurationPs);
            return (double)busy / (s.DurationPs * (double)count);
        }
        return new CacheExperimentResult(
            s.Flows, packets, delivered, droppedRing, lostUpcalls,
            (double)emc / processed, (double)mega / processed, (double)(up + lostUpcalls) / processed, up / seconds,
            vswitch.Stats.MasksPerPacket, (double)cycles / Math.Max(1, delivered),
            Share(fastCategory, 0, s.DatapathCores), Share(CpuCategory.HostUser, s.DatapathCores, s.HandlerCores),
            delivered / seconds, delivered == 0 ? 0 : latencySum / (double)delivered / SimTime.Microsecond,
            vswitch.Megaflows.Count, vswitch.Megaflows.MaskCount);
    }
}
