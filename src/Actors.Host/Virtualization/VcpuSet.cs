using DcSim.SimCore.Cpu;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// A VM's vCPUs: threads that run on the server's cores. Guest work for a packet goes to the vCPU its flow hashes to
/// (virtio-net multiqueue); it waits for that vCPU (its earlier work), and then for a host core: the vCPU's pinned
/// core, or for a floating vCPU its preferred core when that core is free, else the host core with the least queued
/// work (the scheduler keeps a thread where it ran), never a core dedicated to a polling thread (a DPDK PMD's core is
/// isolated). vCPUs that share a core (over-commit) queue behind each other there.
/// </summary>
public sealed class VcpuSet : Processor
{
    private ServerCpu _cpu;
    private int[]? _pinnedCore;
    private readonly long[] _freeAt;
    private readonly int[] _lastCore;
    private readonly PacketBacklog[]? _backlogs;

    /// <param name="firstCore">vCPU i runs on, or prefers, core (first + i) mod cores.</param>
    /// <param name="pinned">Pinned: only on that core; else floating.</param>
    public VcpuSet(ServerCpu cpu, int vcpus, int firstCore, bool pinned)
    {
        _cpu = cpu;
        _freeAt = new long[vcpus];
        _lastCore = new int[vcpus];
        for (var i = 0; i < vcpus; i++) _lastCore[i] = (firstCore + i) % cpu.Cores;
        if (pinned) _pinnedCore = (int[])_lastCore.Clone();
        _backlogs = PacketBacklog.For(vcpus, cpu.MaxBacklog);
    }

    /// <summary>
    /// The VM now runs on another server (a live migration): its vCPUs become threads there, on or preferring cores from
    /// <paramref name="firstCore"/>. What they still had queued was done before the VM stopped at the source.
    /// </summary>
    public void MoveTo(ServerCpu cpu, int firstCore)
    {
        _cpu = cpu;
        for (var i = 0; i < _lastCore.Length; i++) _lastCore[i] = (firstCore + i) % cpu.Cores;
        if (_pinnedCore is not null) _pinnedCore = (int[])_lastCore.Clone();
    }

    public int VcpuFor(uint flowHash) => (int)(flowHash % (uint)_freeAt.Length);

    public override long Run(long now, long cycles, CpuCategory category, uint flowHash, bool newItem = true) =>
        RunOn(VcpuFor(flowHash), now, cycles, category, newItem);

    /// <summary>A vCPU holding as many unfinished items as a backlog holds cannot take more (its virtqueue is full).</summary>
    public override bool Overloaded(long now, uint flowHash) => _backlogs?[VcpuFor(flowHash)].IsFull(now) == true;

    public override long FreeAt(uint flowHash) => _freeAt[VcpuFor(flowHash)];

    public long RunOn(int vcpu, long now, long cycles, CpuCategory category, bool newItem = true)
    {
        var ready = Math.Max(now, _freeAt[vcpu]);
        var last = _lastCore[vcpu];
        var core = _pinnedCore?[vcpu] ?? (!_cpu.IsPolling(last) && _cpu.FreeAt(last) <= ready ? last : _cpu.LeastLoaded(ready));
        _lastCore[vcpu] = core;
        _freeAt[vcpu] = _cpu.Run(core, ready, cycles, category, newItem);
        if (newItem) _backlogs?[vcpu].Add(_freeAt[vcpu]);
        return _freeAt[vcpu];
    }
}
