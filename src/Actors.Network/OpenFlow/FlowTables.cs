namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>What a rule-set change did, so that flow caches can revalidate the megaflows it may affect.</summary>
public sealed record RuleSetChange(IReadOnlyList<OpenFlowRule> Added, IReadOnlyList<OpenFlowRule> Removed)
{
    public static readonly RuleSetChange None = new([], []);
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0;
    /// <summary>Tables touched, ascending.</summary>
    public IReadOnlyList<byte> Tables => Added.Concat(Removed).Select(r => r.Table).Distinct().Order().ToList();
}

/// <summary>
/// The 255 OpenFlow tables of a bridge with OVS's flow-mod semantics: add replaces a rule with the same
/// match and priority; modify/delete select rules either strictly (same match and priority) or loosely
/// (every rule whose match is at least as specific as the given one), optionally in one table only and
/// filtered by cookie. Every change is returned as a <see cref="RuleSetChange"/>; a modified rule appears
/// as removed (old instance) and added (new instance, keeping the counters).
/// </summary>
public sealed class FlowTables
{
    public const int TableCount = 255;
    private readonly Classifier?[] _tables = new Classifier?[TableCount];
    private long _nextId = 1;

    public Classifier Table(byte id) => _tables[id] ??= new Classifier();

    /// <summary>The classifier of table <paramref name="id"/> if it has ever held rules, otherwise null.</summary>
    public Classifier? TryGetTable(byte id) => _tables[id];

    public int RuleCount => _tables.Sum(t => t?.Count ?? 0);

    /// <summary>All rules, table by table, in insertion order.</summary>
    public IEnumerable<OpenFlowRule> Rules => _tables.Where(t => t is not null).SelectMany(t => t!.Rules);

    /// <summary>OFPFC_ADD: installs the rule, replacing one with the same table, match and priority.</summary>
    public RuleSetChange Add(OpenFlowRule rule, long nowPs = 0)
    {
        rule.Id = _nextId++;
        rule.MarkInstalled(nowPs);
        var old = Table(rule.Table).Insert(rule);
        return new RuleSetChange([rule], old is null ? [] : [old]);
    }

    /// <summary>
    /// OFPFC_MODIFY(_STRICT): replaces the actions of the selected rules (counters are kept). As in
    /// OpenFlow 1.0, if nothing is selected the rule is added.
    /// </summary>
    public RuleSetChange Modify(OpenFlowRule template, bool strict, ulong cookie = 0, ulong cookieMask = 0, bool allTables = false, long nowPs = 0)
    {
        var selected = Select(template.Match, template.Priority, strict, template.Table, allTables, cookie, cookieMask);
        if (selected.Count == 0) return Add(template, nowPs);
        var added = new List<OpenFlowRule>();
        foreach (var old in selected)
        {
            var replacement = new OpenFlowRule(old.Table, old.Priority, old.Match, template.Actions, old.Cookie, old.IdleTimeout, old.HardTimeout, template.Source)
            {
                Id = old.Id,
            };
            replacement.MarkInstalled(old.InstalledPs);
            replacement.Credit(old.PacketCount, old.ByteCount, old.LastUsedPs);
            Table(old.Table).Insert(replacement);
            added.Add(replacement);
        }
        return new RuleSetChange(added, selected);
    }

    /// <summary>OFPFC_DELETE(_STRICT): removes the selected rules; <paramref name="table"/> null means every table.</summary>
    public RuleSetChange Delete(in FlowMatch match, int priority, bool strict, byte? table, ulong cookie = 0, ulong cookieMask = 0)
    {
        var selected = Select(match, priority, strict, table ?? 0, table is null, cookie, cookieMask);
        foreach (var r in selected) Table(r.Table).Remove(r);
        return new RuleSetChange([], selected);
    }

    /// <summary>Removes one rule instance (e.g. on expiry).</summary>
    public RuleSetChange Remove(OpenFlowRule rule) =>
        Table(rule.Table).Remove(rule) ? new RuleSetChange([], [rule]) : RuleSetChange.None;

    /// <summary>Removes every rule that has expired by idle or hard timeout at <paramref name="nowPs"/>.</summary>
    public RuleSetChange Expire(long nowPs)
    {
        var expired = Rules.Where(r => r.IsExpired(nowPs)).ToList();
        foreach (var r in expired) Table(r.Table).Remove(r);
        return new RuleSetChange([], expired);
    }

    private List<OpenFlowRule> Select(in FlowMatch match, int priority, bool strict, byte table, bool allTables, ulong cookie, ulong cookieMask)
    {
        var result = new List<OpenFlowRule>();
        for (var t = 0; t < TableCount; t++)
        {
            if (!allTables && t != table) continue;
            var cls = _tables[t];
            if (cls is null) continue;
            if (strict)
            {
                var r = cls.FindExactly(match, priority);
                if (r is not null && ((r.Cookie ^ cookie) & cookieMask) == 0) result.Add(r);
                continue;
            }
            foreach (var r in cls.Rules)
            {
                if (r.Match.IsSubsetOf(match) && ((r.Cookie ^ cookie) & cookieMask) == 0) result.Add(r);
            }
        }
        return result;
    }
}
