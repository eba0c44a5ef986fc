namespace DcSim.SimCore.Metrics;

/// <summary>CPU time of one server over the run, per category, summed over its cores.</summary>
public sealed record CpuStats(int Cores, long HostKernelBusyPs, long HostUserBusyPs, long GuestBusyPs)
{
    public double Utilisation(long busyPs, long durationPs) => durationPs <= 0 ? 0 : (double)busyPs / ((double)durationPs * Cores);
}

/// <summary>
/// Counters of one vSwitch's datapath. ExactMatchHits + MegaflowHits + UpcallsHandled + UpcallsLost = Packets;
/// mask-cache hits are megaflow hits that found their mask in the kernel's mask cache.
/// </summary>
public sealed record VSwitchStats(
    long Packets, long ExactMatchHits, long MegaflowHits, long MaskCacheHits, long UpcallsHandled, long UpcallsLost,
    long FlowsInstalled, long InstallsRefused, long Evictions, long Revalidations, long MasksProbed, long Cycles,
    int FlowsAtEnd, int MasksAtEnd, long DroppedPackets);

/// <summary>What a server reports besides flows and links: its CPU and, if it has one, its vSwitch.</summary>
public sealed record ServerStats(string Name, CpuStats Cpu, VSwitchStats? VSwitch);
