using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// Reads and checks topology.vswitch: the Open vSwitch every server runs between its traffic and its NIC,
/// with the sizes and cycle costs of both datapaths. The rules file is only looked for, not parsed; the rule
/// changes are read by <see cref="ScenarioRuleChangeReader"/>.
/// </summary>
public static class ScenarioVSwitchReader
{
    /// <summary>The smallest other_config:max-idle OVS accepts (ofproto.h, vswitch.xml; calibration.md §2.1).</summary>
    public const long MinMaxIdlePs = 500 * SimTime.Millisecond;

    /// <summary>Cores a vSwitch leaves to the revalidator and the host itself.</summary>
    public const int ReservedCores = 1;

    /// <summary>The largest cache a scenario may ask for: the exact-match cache hashes a key into two 16-bit slot numbers.</summary>
    public const int MaxCacheEntries = 1 << 16;

    public static readonly ScenarioWordList Datapaths =
        new(("kernel", (int)VSwitchDatapath.Kernel), ("netdev", (int)VSwitchDatapath.Netdev));

    /// <summary>
    /// The vSwitch of every server, or null after reporting. <paramref name="cpu"/> is the servers' host-cpu
    /// section and <paramref name="cores"/> its valid core count (null when invalid, already reported): an
    /// enabled vSwitch must leave a core to the revalidator and the host.
    /// </summary>
    public static VSwitchOptions? ReadVSwitch(ScenarioReadContext context, ScenarioSection v, ScenarioSection cpu, int? cores)
    {
        var enabledOk = v.TryBoolean("enabled", out var enabled);
        var ok = enabledOk;
        ok &= v.TryWord("datapath", Datapaths, out var datapathValue);
        var datapath = (VSwitchDatapath)datapathValue;
        ok &= TryRules(v, context.BaseDirectory, out var rules);
        var datapathOk = v.TryInt("datapath-cores", 1, int.MaxValue, out var datapathCores);
        var handlerOk = v.TryInt("handler-cores", 1, int.MaxValue, out var handlerCores);
        ok &= datapathOk && handlerOk;
        if (enabledOk && enabled && datapathOk && handlerOk && cores is { } n)
            ok &= CheckCoreBudget(v, cpu, n, datapathCores, handlerCores);
        ok &= v.TryInt("flow-limit", 1, int.MaxValue, out var flowLimit);
        ok &= v.TryInt("emc-insert-inv-prob", 0, int.MaxValue, out var emcInverse);
        ok &= v.TryInt("upcall-queue", 1, int.MaxValue, out var upcallQueue);
        if (v.TryTime("max-idle", 0, out var maxIdle))
            ok &= v.Check(maxIdle >= MinMaxIdlePs, "max-idle", v.Get("max-idle").FromFile,
                $"must be at least {ScenarioHoconWriter.Time(MinMaxIdlePs)} (the smallest max-idle OVS accepts), got '{ScenarioHoconWriter.Time(maxIdle)}'");
        else ok = false;
        ok &= v.TryTime("revalidate-period", 1, out var revalidatePeriod);
        ok &= v.TryTime("max-idle-over-limit", 1, out var maxIdleOverLimit);
        ok &= v.TryInt("cycles-per-revalidated-flow", 0, int.MaxValue, out var cyclesPerRevalidatedFlow);
        var kernel = ReadKernelDatapath(v.Child("kernel"));
        var netdev = ReadNetdevDatapath(v.Child("netdev"));
        var ruleChanges = ScenarioRuleChangeReader.Read(context.Diagnostics, v, context.DurationPs);
        if (!ok || ruleChanges is null || kernel is null || netdev is null) return null;
        var options = new VSwitchOptions(enabled, datapath, rules, datapathCores, handlerCores, flowLimit, emcInverse, upcallQueue, maxIdle, revalidatePeriod,
            maxIdleOverLimit, cyclesPerRevalidatedFlow, kernel, netdev);
        // Records compare lists by reference: without changes keep the default list, so equal settings stay equal.
        return ruleChanges.Count == 0 ? options : options with { RuleChanges = ruleChanges };
    }

    /// <summary>topology.vswitch.kernel: the Linux kernel datapath's mask cache and cycle costs (no exact-match cache).</summary>
    private static DatapathCosts? ReadKernelDatapath(ScenarioSection k)
    {
        var ok = k.TryInt("mask-cache-entries", 0, MaxCacheEntries, out var maskCache);
        ok &= TryCycles(k, "cycles-per-packet", out var packet);
        ok &= TryCycles(k, "cycles-per-mask-probe", out var probe);
        ok &= TryCycles(k, "cycles-per-upcall", out var upcall);
        ok &= TryCycles(k, "cycles-per-install", out var install);
        return ok
            ? new DatapathCosts(maskCache, EmcEntries: 0, packet, CyclesPerEmcLookup: 0, probe, upcall, install)
            : null;
    }

    /// <summary>topology.vswitch.netdev: the userspace datapath's exact-match cache and cycle costs (no mask cache).</summary>
    private static DatapathCosts? ReadNetdevDatapath(ScenarioSection n)
    {
        var ok = n.TryInt("emc-entries", 2, MaxCacheEntries, out var emc);
        if (ok) ok = n.Check((emc & (emc - 1)) == 0, "emc-entries", n.Get("emc-entries").FromFile, $"must be a power of two (each key has two candidate slots), got {emc}");
        ok &= TryCycles(n, "cycles-per-packet", out var packet);
        ok &= TryCycles(n, "cycles-per-emc-lookup", out var emcLookup);
        ok &= TryCycles(n, "cycles-per-mask-probe", out var probe);
        ok &= TryCycles(n, "cycles-per-upcall", out var upcall);
        ok &= TryCycles(n, "cycles-per-install", out var install);
        return ok
            ? new DatapathCosts(MaskCacheEntries: 0, emc, packet, emcLookup, probe, upcall, install)
            : null;
    }

    private static bool TryCycles(ScenarioSection section, string key, out long cycles)
    {
        var ok = section.TryInt(key, 0, int.MaxValue, out var value);
        cycles = value;
        return ok;
    }

    /// <summary>
    /// With the vSwitch enabled, its fast path and its handlers run on cores of their own, and one core stays
    /// for the revalidator and the host. Reported at the key the file set: a vSwitch core count, else the
    /// number of cores, else enabled.
    /// </summary>
    private static bool CheckCoreBudget(ScenarioSection v, ScenarioSection cpu, int cores, int datapathCores, int handlerCores)
    {
        var used = (long)datapathCores + handlerCores;
        var available = (long)cores - ReservedCores;
        if (used <= available) return true;
        var message = $"datapath-cores ({datapathCores}) + handler-cores ({handlerCores}) = {used}, but with the vswitch enabled "
            + $"at most host-cpu.cores - {ReservedCores} = {available} may be used (one core stays for the revalidator and the host)";
        if (v.Get("handler-cores").FromFile) v.Report("handler-cores", true, message);
        else if (v.Get("datapath-cores").FromFile) v.Report("datapath-cores", true, message);
        else if (cpu.Get("cores").FromFile) cpu.Report("cores", true, message);
        else if (v.Get("enabled").FromFile) v.Report("enabled", true, message);
        else v.Report("handler-cores", false, message);
        return false;
    }

    /// <summary>An optional ovs-ofctl add-flows file ("" for the default forwarding), relative to the scenario's directory; kept as written.</summary>
    private static bool TryRules(ScenarioSection v, string baseDirectory, out string rules)
    {
        if (!v.TryText("rules", out rules, out var fromFile)) return false;
        if (rules.Length == 0) return true;
        string full;
        try { full = Path.GetFullPath(Path.Combine(baseDirectory, rules)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            v.Report("rules", fromFile, $"'{rules}' is not a valid file path: {e.Message}");
            return false;
        }
        return v.Check(File.Exists(full), "rules", fromFile,
            $"rules file '{rules}' not found (looked for {full}; paths are relative to the scenario file's directory)");
    }

    /// <summary>topology.vswitch as the resolved scenario writes it: every key, canonical units (the inverse of <see cref="ReadVSwitch"/>).</summary>
    public static ResolvedHocon Resolved(VSwitchOptions v) => new()
    {
        ["enabled"] = v.Enabled ? "true" : "false",
        ["datapath"] = Datapaths.WordOf((int)v.Datapath),
        ["rules"] = ScenarioHoconWriter.Quote(v.RulesFile),
        ["datapath-cores"] = ScenarioHoconWriter.Int(v.DatapathCores),
        ["handler-cores"] = ScenarioHoconWriter.Int(v.HandlerCores),
        ["flow-limit"] = ScenarioHoconWriter.Int(v.FlowLimit),
        ["emc-insert-inv-prob"] = ScenarioHoconWriter.Int(v.EmcInsertInverseProbability),
        ["upcall-queue"] = ScenarioHoconWriter.Int(v.UpcallQueue),
        ["max-idle"] = ScenarioHoconWriter.Time(v.MaxIdlePs),
        ["revalidate-period"] = ScenarioHoconWriter.Time(v.RevalidatePeriodPs),
        ["max-idle-over-limit"] = ScenarioHoconWriter.Time(v.MaxIdleOverLimitPs),
        ["cycles-per-revalidated-flow"] = ScenarioHoconWriter.Int(v.CyclesPerRevalidatedFlow),
        ["kernel"] = new ResolvedHocon
        {
            ["mask-cache-entries"] = ScenarioHoconWriter.Int(v.Kernel.MaskCacheEntries),
            ["cycles-per-packet"] = ScenarioHoconWriter.Int(v.Kernel.CyclesPerPacket),
            ["cycles-per-mask-probe"] = ScenarioHoconWriter.Int(v.Kernel.CyclesPerMaskProbe),
            ["cycles-per-upcall"] = ScenarioHoconWriter.Int(v.Kernel.CyclesPerUpcall),
            ["cycles-per-install"] = ScenarioHoconWriter.Int(v.Kernel.CyclesPerInstall),
        },
        ["netdev"] = new ResolvedHocon
        {
            ["emc-entries"] = ScenarioHoconWriter.Int(v.Netdev.EmcEntries),
            ["cycles-per-packet"] = ScenarioHoconWriter.Int(v.Netdev.CyclesPerPacket),
            ["cycles-per-emc-lookup"] = ScenarioHoconWriter.Int(v.Netdev.CyclesPerEmcLookup),
            ["cycles-per-mask-probe"] = ScenarioHoconWriter.Int(v.Netdev.CyclesPerMaskProbe),
            ["cycles-per-upcall"] = ScenarioHoconWriter.Int(v.Netdev.CyclesPerUpcall),
            ["cycles-per-install"] = ScenarioHoconWriter.Int(v.Netdev.CyclesPerInstall),
        },
        [ScenarioRuleChangeReader.Key] = v.RuleChanges.Select(change => new ResolvedHocon
        {
            ["at"] = ScenarioHoconWriter.Time(change.AtPs),
            [ScenarioRuleChangeReader.WordOf(change.Kind)] = ScenarioHoconWriter.Quote(change.Rule),
        }).ToList(),
    };
}
