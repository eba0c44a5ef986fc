using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Randomness;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>What the vSwitch did with one packet, and when it is done with it.</summary>
/// <param name="Actions">The datapath actions to execute; null when the upcall was lost (the packet is dropped).</param>
/// <param name="FastPathDoneAt">When the datapath core is done with the packet (for an upcall: when it handed it up).</param>
public readonly record struct VSwitchVerdict(DatapathActions? Actions, DatapathOutcome Outcome, long DoneAt, long FastPathDoneAt, long Cycles);

/// <summary>
/// An Open vSwitch instance in a server: its datapath (flow caches), the OpenFlow slow path behind it,
/// and the server cores its work runs on.
/// </summary>
/// <remarks>
/// The fast path runs on the datapath core chosen by the packet's RSS hash (kernel: softirq time of the
/// host kernel; netdev: a PMD core that busy-polls and so is 100 % busy whatever the load). An upcall is
/// handed from that core to the least loaded handler core (host user space) and the packet leaves when
/// the handler is done; upcalls still waiting for a handler count against the bounded upcall queue. The
/// revalidator runs periodically on the last core. The owner (the server LP) schedules the packet's next
/// step at <see cref="VSwitchVerdict.DoneAt"/>, so a busy CPU shows up as latency and, through the upcall
/// queue and lost upcalls, as loss.
/// </remarks>
public sealed class VSwitch
{
    private readonly Datapath<DatapathActions> _datapath;
    private readonly ISlowPath<DatapathActions> _slowPath;
    private readonly ServerCpu _cpu;
    private readonly VSwitchSettings _settings;
    private readonly PriorityQueue<long, long> _upcallsInProgress = new();
    /// <summary>Per datapath flow: the rules it came from and the counts already pushed to them.</summary>
    private readonly Dictionary<Megaflow<DatapathActions>, (IReadOnlyList<OpenFlowRule> Rules, long Packets, long Bytes)> _flowRules =
        new(ReferenceEqualityComparer.Instance);

    public VSwitch(VSwitchSettings settings, ISlowPath<DatapathActions> slowPath, ServerCpu cpu, Rng rng)
    {
        _settings = settings;
        _cpu = cpu;
        _slowPath = slowPath;
        _datapath = new Datapath<DatapathActions>(settings.Profile, slowPath, rng);
        if (settings.Profile.Kind == DatapathKind.Netdev)
            for (var c = 0; c < settings.DatapathCores; c++) cpu.DedicateToPolling(c, CpuCategory.HostUser);
    }

    public DatapathStats Stats => _datapath.Stats;
    public MegaflowCache<DatapathActions> Megaflows => _datapath.Megaflows;
    public ServerCpu Cpu => _cpu;

    /// <summary>The datapath it models (netdev: dpif-netdev in user space; kernel: the Linux module).</summary>
    public DatapathKind DatapathKind => _settings.Profile.Kind;

    /// <summary>The OpenFlow tables behind the datapath, or null when its slow path is not an OpenFlow pipeline.</summary>
    public FlowTables? Tables => (_slowPath as PipelineSlowPath)?.Pipeline.Tables;

    private CpuCategory FastPathCategory => _settings.Profile.Kind == DatapathKind.Netdev ? CpuCategory.HostUser : CpuCategory.HostKernel;

    /// <summary>
    /// Whether the datapath core a packet of <paramref name="hash"/> goes to holds a full backlog: the kernel's
    /// netdev_max_backlog, or a PMD's NIC receive ring (DPDK's rx_missed). The packet is dropped on arrival rather than
    /// queued behind work the core cannot finish, which would starve the work the core does further on (receive livelock).
    /// </summary>
    public bool Overloaded(uint hash, long now) => _cpu.Overloaded((int)(hash % (uint)_settings.DatapathCores), now);

    public VSwitchVerdict Process(in FlowKey key, uint hash, int bytes, long now)
    {
        while (_upcallsInProgress.Count > 0 && _upcallsInProgress.Peek() <= now) _upcallsInProgress.Dequeue();
        _datapath.PendingUpcalls = _upcallsInProgress.Count;
        var (actions, outcome, cycles) = _datapath.Process(in key, hash, bytes, now);
        var core = (int)(hash % (uint)_settings.DatapathCores);
        long done, fastDone;
        if (outcome == DatapathOutcome.Upcall)
        {
            var fast = _settings.Profile.CyclesPerPacket + _settings.Profile.CyclesPerEmcLookup;
            fastDone = _cpu.Run(core, now, fast, FastPathCategory);
            var handler = _cpu.LeastLoaded(fastDone, _settings.DatapathCores, _settings.HandlerCores);
            done = _cpu.Run(handler, fastDone, cycles - fast, CpuCategory.HostUser);
            _upcallsInProgress.Enqueue(done, done);
            if (_slowPath is PipelineSlowPath pipeline)
            {
                // The upcall's own packet counts for its rules at once, as OVS's translation with stats does.
                foreach (var rule in pipeline.LastRules) rule.Credit(1, bytes, now);
                if (_datapath.LastInstalled is { } flow) _flowRules[flow] = (pipeline.LastRules, 0, 0);
            }
        }
        else fastDone = done = _cpu.Run(core, now, cycles, FastPathCategory);
        return new VSwitchVerdict(actions, outcome, done, fastDone, cycles);
    }

    /// <summary>
    /// Learns <paramref name="mac"/> on OpenFlow port <paramref name="port"/>, as a gratuitous ARP or RARP through that port teaches
    /// NORMAL's MAC table (a migrated VM announcing itself): the table's new version makes the datapath revalidate its flows.
    /// </summary>
    public void LearnMac(ulong mac, uint port, long now)
    {
        if (_slowPath is PipelineSlowPath { Pipeline.MacTable: { } table }) table.Learn(mac, 0, port, now);
    }

    /// <summary>
    /// Changes the rules at run time and lets the revalidator re-check every cached flow at once: flows
    /// whose mask changes are deleted, flows whose actions alone change are modified, the rest stay.
    /// Returns how many rules were added and removed.
    /// </summary>
    public (int Added, int Removed) ChangeRules(Func<FlowTables, long, RuleSetChange> change, long now)
    {
        if (_slowPath is not PipelineSlowPath pipeline) throw new InvalidOperationException("rules can only change on an OpenFlow pipeline");
        var result = change(pipeline.Pipeline.Tables, now);
        if (result.IsEmpty) return (0, 0);
        var cached = _datapath.Megaflows.Count;
        _datapath.Revalidate(now, DatapathActions.Same);
        _cpu.Run(_cpu.Cores - 1, now, cached * _settings.CyclesPerRevalidatedFlow, CpuCategory.HostUser);
        return (result.Added.Count, result.Removed.Count);
    }

    /// <summary>
    /// The revalidator's periodic sweep, in OVS's order: push each datapath flow's new packets to the
    /// OpenFlow rules it came from (so idle timeouts see busy rules as used), remove rules past their
    /// idle or hard timeout and re-check the cached flows if any went, then expire idle datapath flows
    /// (faster above half the flow limit). Dumping each flow costs revalidator time on the last core.
    /// </summary>
    public void Revalidate(long now)
    {
        var dumped = _datapath.Megaflows.Count;
        if (_slowPath is PipelineSlowPath pipeline)
        {
            foreach (var (flow, pushed) in _flowRules.ToList())
            {
                if (!flow.Alive)
                {
                    _flowRules.Remove(flow);
                    continue;
                }
                var packets = flow.Packets - pushed.Packets;
                if (packets == 0) continue;
                foreach (var rule in pushed.Rules) rule.Credit(packets, flow.Bytes - pushed.Bytes, flow.LastUsed);
                _flowRules[flow] = (pushed.Rules, flow.Packets, flow.Bytes);
            }
            if (!pipeline.Pipeline.Tables.Expire(now).IsEmpty) _datapath.Revalidate(now, DatapathActions.Same);
        }
        var overLimit = _datapath.Megaflows.Count > _settings.Profile.FlowLimit / 2;
        _datapath.ExpireIdle(now, overLimit ? _settings.MaxIdleOverLimitPs : _settings.MaxIdlePs);
        _cpu.Run(_cpu.Cores - 1, now, dumped * _settings.CyclesPerRevalidatedFlow, CpuCategory.HostUser);
    }
}

/// <summary>A vSwitch's datapath and the server cores it uses.</summary>
public sealed record VSwitchSettings(
    DatapathProfile Profile,
    int DatapathCores,
    int HandlerCores,
    long RevalidatePeriodPs,
    long MaxIdlePs,
    long MaxIdleOverLimitPs,
    long CyclesPerRevalidatedFlow);
