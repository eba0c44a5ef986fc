namespace DcSim.SimCore.Cpu;

/// <summary>
/// A server's cores, clock and limits: what every server built from the same settings shares (one object for thousands of
/// servers rather than five numbers in each).
/// </summary>
public sealed class CpuModel
{
    /// <param name="idleExitPs">
    /// Latency for a core that has been idle for at least <paramref name="idleThresholdPs"/> to run again: the exit from the C-state
    /// it went to. 0 = no C-states. The exit delays the work; it is not busy time.
    /// </param>
    /// <param name="maxBacklog">The most work items a core holds queued or running (0: unbounded).</param>
    public CpuModel(int cores, long clockHz, long idleExitPs = 0, long idleThresholdPs = 0, int maxBacklog = 0)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), cores, "a server needs at least one core");
        if (clockHz < 1) throw new ArgumentOutOfRangeException(nameof(clockHz), clockHz, "the clock rate must be positive");
        if (idleExitPs < 0 || idleThresholdPs < 0) throw new ArgumentOutOfRangeException(nameof(idleExitPs), "idle exit latency and threshold cannot be negative");
        (Cores, ClockHz, IdleExitPs, IdleThresholdPs, MaxBacklog) = (cores, clockHz, idleExitPs, idleThresholdPs, maxBacklog);
    }

    public int Cores { get; }
    public long ClockHz { get; }
    public long IdleExitPs { get; }
    public long IdleThresholdPs { get; }
    public int MaxBacklog { get; }
}
