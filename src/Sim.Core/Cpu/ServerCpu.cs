namespace DcSim.SimCore.Cpu;

/// <summary>
/// The cores of one server: each is a FIFO server of work items measured in cycles.
/// </summary>
/// <remarks>
/// Models DESIGN §3's "work queues for a core; busy cores add latency and cap throughput". A work item
/// submitted at time t on core c starts when the core is free (no earlier than t), runs for
/// cycles / clock, and the caller schedules whatever depends on it at the returned completion time.
/// Busy time is accounted per core and per <see cref="CpuCategory"/>. A core can also be dedicated to a
/// busy-polling thread (a DPDK PMD): it is then 100 % busy in its category for the whole run, whether
/// or not it has packets, which is how OVS-DPDK spends its cores. Owned by one LP: not thread-safe.
/// Picosecond conversion is exact for clock rates that divide 10^12 (1, 2, 2.5, 4 GHz ...), rounded up
/// otherwise.
/// </remarks>
public sealed class ServerCpu
{
    // When each core is free, cycles and busy time per category, the backlogs and the polling cores are made by the first work, item
    // or polling thread: an idle server of a 10,000-host fabric holds none of them (docs/benchmarks.md, "Issue 14: 10,240 hosts").
    private long[]? _freeAt;
    private long[,]? _busyPs;
    private long[]? _cycles;
    private CpuCategory?[]? _polling;

    private readonly long _idleExitPs;
    private PacketBacklog?[]? _backlogs;
    private readonly long _idleThresholdPs;

    /// <param name="idleExitPs">
    /// Latency for a core that has been idle for at least <paramref name="idleThresholdPs"/> to run again: the exit
    /// from the C-state it went to. 0 = no C-states. The exit delays the work; it is not busy time.
    /// </param>
    /// <param name="maxBacklog">The most work items a core holds queued or running (0: unbounded); see <see cref="Overloaded"/>.</param>
    public ServerCpu(int cores, long clockHz, long idleExitPs = 0, long idleThresholdPs = 0, int maxBacklog = 0)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), cores, "a server needs at least one core");
        if (clockHz < 1) throw new ArgumentOutOfRangeException(nameof(clockHz), clockHz, "the clock rate must be positive");
        if (idleExitPs < 0 || idleThresholdPs < 0) throw new ArgumentOutOfRangeException(nameof(idleExitPs), "idle exit latency and threshold cannot be negative");
        Cores = cores;
        ClockHz = clockHz;
        _idleExitPs = idleExitPs;
        _idleThresholdPs = idleThresholdPs;
        MaxBacklog = maxBacklog;
    }

    public int Cores { get; }

    /// <summary>The most work items a core holds queued or running (0: unbounded): a packet backlog's length.</summary>
    public int MaxBacklog { get; }

    /// <summary>
    /// Whether <paramref name="core"/> holds <see cref="MaxBacklog"/> unfinished work items at <paramref name="now"/>: a packet
    /// arriving for it finds the backlog (a NIC ring, netdev_max_backlog) full.
    /// </summary>
    public bool Overloaded(int core, long now) => _backlogs?[core]?.IsFull(now) == true;

    /// <summary>Work items that found their core asleep in a C-state.</summary>
    public long IdleExits { get; private set; }
    public long ClockHz { get; }

    /// <summary>Duration of <paramref name="cycles"/> at this clock, rounded up to a whole picosecond.</summary>
    public long CyclesToPs(long cycles) => (long)(((Int128)cycles * 1_000_000_000_000 + ClockHz - 1) / ClockHz);

    /// <summary>
    /// Runs <paramref name="cycles"/> of work on <paramref name="core"/>, queued behind what the core already
    /// has; returns the virtual time at which the work completes.
    /// </summary>
    public long Run(int core, long now, long cycles, CpuCategory category, bool newItem = true)
    {
        if (cycles < 0) throw new ArgumentOutOfRangeException(nameof(cycles), cycles, "work cannot take negative cycles");
        var freeAt = _freeAt ??= new long[Cores];
        var start = Math.Max(now, freeAt[core]);
        if (_idleExitPs > 0 && !IsPolling(core) && now - freeAt[core] >= _idleThresholdPs)
        {
            start = now + _idleExitPs;
            IdleExits++;
        }
        var duration = CyclesToPs(cycles);
        freeAt[core] = start + duration;
        // A packet holds its backlog place until the kernel's item for it is done; what follows for it (the application's
        // part) runs after and holds none.
        if (newItem && MaxBacklog > 0) ((_backlogs ??= new PacketBacklog?[Cores])[core] ??= new PacketBacklog(MaxBacklog)).Add(start + duration);
        Cycles[(int)category] += cycles;
        if (!IsPolling(core)) Busy[core, (int)category] += duration;
        return start + duration;
    }

    /// <summary>
    /// Accounts work that runs beside the packet path without queueing it (a VM's boot, whose time the caller models as
    /// processor sharing): busy time and cycles grow, the core's queue does not.
    /// </summary>
    public void Account(int core, long cycles, CpuCategory category)
    {
        Cycles[(int)category] += cycles;
        if (!IsPolling(core)) Busy[core, (int)category] += CyclesToPs(cycles);
    }

    /// <summary>Cycles of VM boots (firmware, kernel, init), included in their category: what per-packet figures leave out.</summary>
    public long BootCycles { get; private set; }

    /// <summary>Accounts a boot's CPU work in <paramref name="category"/> and in <see cref="BootCycles"/>.</summary>
    public void AccountBoot(int core, long cycles, CpuCategory category)
    {
        Account(core, cycles, category);
        BootCycles += cycles;
    }

    /// <summary>Starts a new accounting period: busy time and cycles restart from zero, queued work stays queued.</summary>
    public void ResetAccounting()
    {
        if (_busyPs is not null) Array.Clear(_busyPs);
        if (_cycles is not null) Array.Clear(_cycles);
        BootCycles = 0;
    }

    private long[,] Busy => _busyPs ??= new long[Cores, CpuCategories.All.Length];
    private long[] Cycles => _cycles ??= new long[CpuCategories.All.Length];

    /// <summary>Time at which <paramref name="core"/> has finished everything queued on it.</summary>
    public long FreeAt(int core) => _freeAt?[core] ?? 0;

    /// <summary>The core with the least queued work at <paramref name="now"/> (lowest index on ties).</summary>
    public int LeastLoaded(long now, int firstCore = 0, int count = -1)
    {
        if (count < 0) count = Cores - firstCore;
        // Cores dedicated to polling threads are isolated (isolcpus): other work goes there only when the range has no other.
        int best = -1, bestPolling = -1;
        for (var c = firstCore; c < firstCore + count; c++)
        {
            ref var candidate = ref IsPolling(c) ? ref bestPolling : ref best;
            if (candidate < 0 || Math.Max(now, FreeAt(c)) < Math.Max(now, FreeAt(candidate))) candidate = c;
        }
        return best >= 0 ? best : bestPolling;
    }

    /// <summary>Whether <paramref name="core"/> runs a busy-polling thread (<see cref="DedicateToPolling"/>).</summary>
    public bool IsPolling(int core) => _polling?[core] is not null;

    /// <summary>Dedicates a core to a busy-polling thread: it counts as fully busy in <paramref name="category"/>.</summary>
    public void DedicateToPolling(int core, CpuCategory category)
    {
        (_polling ??= new CpuCategory?[Cores])[core] = category;
    }

    /// <summary>Cycles of useful work submitted per category (polling cores' idle spinning excluded).</summary>
    public long CyclesIn(CpuCategory category) => _cycles?[(int)category] ?? 0;

    /// <summary>Busy time of a core in a category over a run of <paramref name="durationPs"/>.</summary>
    public long BusyPs(int core, CpuCategory category, long durationPs) =>
        _polling?[core] is { } polled ? (polled == category ? durationPs : 0) : _busyPs is null ? 0 : Math.Min(_busyPs[core, (int)category], durationPs);

    /// <summary>Share of the server's total core time busy in <paramref name="category"/> (0..1).</summary>
    public double Utilisation(CpuCategory category, long durationPs)
    {
        if (durationPs <= 0) return 0;
        long busy = 0;
        for (var c = 0; c < Cores; c++) busy += BusyPs(c, category, durationPs);
        return (double)busy / ((double)durationPs * Cores);
    }
}
