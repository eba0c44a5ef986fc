using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Randomness;

namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>What happened to one packet in the datapath.</summary>
public enum DatapathOutcome { ExactMatchHit, MegaflowHit, Upcall, UpcallLost }

public static class DatapathOutcomes
{
    /// <summary>The outcome in the words of the real-OVS replay files and `dpif-netdev/pmd-stats-show`.</summary>
    public static string OvsName(this DatapathOutcome outcome) => outcome switch
    {
        DatapathOutcome.ExactMatchHit => "emc",
        DatapathOutcome.MegaflowHit => "megaflow",
        DatapathOutcome.Upcall => "upcall",
        _ => "lost",
    };
}

/// <summary>
/// The fast path of one vSwitch: the caches of the chosen datapath in front of the OpenFlow slow path.
/// </summary>
/// <remarks>
/// Per packet, in the order OVS uses: (netdev) exact-match cache → megaflow cache (kernel: the mask
/// cache's hint first) → upcall. An upcall that finds the handler queue full is lost (counted; the packet
/// is dropped, as the kernel does when its upcall socket buffer overflows). A handled upcall runs the
/// slow path and installs the megaflow unless the datapath is at its flow limit. Every step returns its
/// cycle cost, which the owner charges to a core of the server's CPU model, so cache behaviour shows up
/// in latency, throughput and CPU use. Time only comes in through arguments: the class is deterministic.
/// </remarks>
public sealed class Datapath<TActions>
{
    private readonly ISlowPath<TActions> _slowPath;
    private readonly MegaflowCache<TActions> _megaflows = new();
    private readonly MaskCache _maskCache;
    private readonly ExactMatchCache<TActions> _emc;
    private long _slowPathVersion;

    public Datapath(DatapathProfile profile, ISlowPath<TActions> slowPath, Rng rng)
    {
        Profile = profile;
        _slowPath = slowPath;
        _maskCache = new MaskCache(profile.Kind == DatapathKind.Kernel ? profile.MaskCacheEntries : 0);
        _emc = new ExactMatchCache<TActions>(profile.Kind == DatapathKind.Netdev ? profile.EmcInsertInverseProbability : 0, rng,
            Math.Max(2, profile.EmcEntries));
    }

    public DatapathProfile Profile { get; }
    public DatapathStats Stats { get; } = new();
    public MegaflowCache<TActions> Megaflows => _megaflows;

    /// <summary>The flow the last upcall installed (null if it installed none).</summary>
    public Megaflow<TActions>? LastInstalled { get; private set; }

    /// <summary>Upcalls waiting for a handler thread (the owner drains it as handler time allows).</summary>
    public int PendingUpcalls { get; set; }

    /// <summary>Processes one packet; returns its actions (default when lost), the outcome and the cycles it cost.</summary>
    public (TActions? Actions, DatapathOutcome Outcome, long Cycles) Process(in FlowKey key, uint hash, int bytes, long now)
    {
        Stats.Packets++;
        long cycles = Profile.CyclesPerPacket;
        if (_emc.Enabled)
        {
            cycles += Profile.CyclesPerEmcLookup;
            if (_emc.Lookup(in key, hash) is { } cached)
            {
                cached.Hit(now, bytes);
                Stats.ExactMatchHits++;
                return Done(cached.Actions, DatapathOutcome.ExactMatchHit, cycles);
            }
        }
        var hint = _maskCache.Get(hash);
        var (flow, probes, maskIndex) = _megaflows.Lookup(in key, hint);
        Stats.MasksProbed += probes;
        cycles += probes * Profile.CyclesPerMaskProbe;
        if (flow is not null)
        {
            flow.Hit(now, bytes);
            Stats.MegaflowHits++;
            if (hint >= 0 && maskIndex == hint) Stats.MaskCacheHits++;
            else _maskCache.Set(hash, maskIndex);
            _emc.MaybeInsert(in key, hash, flow);
            return Done(flow.Actions, DatapathOutcome.MegaflowHit, cycles);
        }
        if (PendingUpcalls >= Profile.UpcallQueueCapacity)
        {
            Stats.UpcallsLost++;
            return Done(default, DatapathOutcome.UpcallLost, cycles);
        }
        Stats.UpcallsHandled++;
        var (actions, mask) = _slowPath.Translate(in key, now);
        cycles += Profile.CyclesPerUpcall;
        if (_slowPath.StateVersion != _slowPathVersion)
        {
            // The upcall changed what other translations would give (a MAC was learned or moved).
            _slowPathVersion = _slowPath.StateVersion;
            Revalidate(now, EqualityComparer<TActions>.Default.Equals);
        }
        if (_megaflows.Count < Profile.FlowLimit)
        {
            // As in OVS, the packet whose upcall installed the flow is not counted in the flow's statistics.
            var installed = _megaflows.Insert(in key, in mask, actions, now);
            LastInstalled = installed;
            Stats.FlowsInstalled++;
            cycles += Profile.CyclesPerInstall;
            _maskCache.Invalidate();
            _emc.MaybeInsert(in key, hash, installed);
        }
        else
        {
            Stats.InstallsRefused++;
            LastInstalled = null;
        }
        return Done(actions, DatapathOutcome.Upcall, cycles);
    }

    /// <summary>Revalidator sweep: deletes flows idle for longer than <paramref name="maxIdlePs"/>; returns how many.</summary>
    public int ExpireIdle(long now, long maxIdlePs)
    {
        var idle = _megaflows.Flows.Where(f => now - f.LastUsed > maxIdlePs).ToList();
        foreach (var f in idle) _megaflows.Remove(f);
        if (idle.Count > 0) _maskCache.Invalidate();
        Stats.Evictions += idle.Count;
        return idle.Count;
    }

    /// <summary>
    /// Re-checks every cached flow against the slow path after a rule or MAC-table change, as OVS's
    /// revalidators do: a flow whose mask would now differ is deleted (its next packet upcalls again), a
    /// flow whose actions alone changed is modified in place, the others stay. Returns the deleted flows.
    /// </summary>
    public IReadOnlyList<Megaflow<TActions>> Revalidate(long now, Func<TActions, TActions, bool> sameActions)
    {
        var stale = new List<Megaflow<TActions>>();
        foreach (var f in _megaflows.Flows.ToList())
        {
            Stats.Revalidations++;
            var (actions, mask) = _slowPath.Retranslate(f.OriginalKey, now);
            if (!mask.Equals(f.Mask)) stale.Add(f);
            else if (!sameActions(actions, f.Actions)) f.Actions = actions;
        }
        foreach (var f in stale) _megaflows.Remove(f);
        if (stale.Count > 0) _maskCache.Invalidate();
        Stats.Evictions += stale.Count;
        return stale;
    }

    private (TActions?, DatapathOutcome, long) Done(TActions? actions, DatapathOutcome outcome, long cycles)
    {
        Stats.Cycles += cycles;
        return (actions, outcome, cycles);
    }
}
